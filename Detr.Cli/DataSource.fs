/// `--data DIR|synthetic` for train and eval: COCO's layout under DIR, or the built-in synthetic dataset
/// generated once into the cache.
module Detr.Cli.DataSource

open System.IO
open Detr.Runtime.Data

/// The dataset folder: `synthetic` becomes the cached synthetic set (generated on first use).
let root (data: string) =
    if data = "synthetic" then SyntheticDataset.EnsureCached(SyntheticOptions(), fun m -> eprintfn "%s" m)
    elif Directory.Exists data then data
    else failwithf "--data %s: no such folder (a dataset in COCO's layout, or `synthetic`)" data

/// Train and val splits, with explicit annotation files / image folders where given.
let splits (data: string) (trainAnn: string option) (valAnn: string option) (trainImages: string option) (valImages: string option) =
    let dir = root data
    let opt = Option.toObj
    CocoDataset.FromLayout(dir, "train", opt trainAnn, opt trainImages), CocoDataset.FromLayout(dir, "val", opt valAnn, opt valImages)

