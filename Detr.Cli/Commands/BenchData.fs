/// `detr bench data --data DIR --workers 2`: loader throughput against raw JPEG decoding, same run.
module Detr.Cli.Commands.BenchData

open Argu
open Detr.Runtime.Data
open Detr.Runtime.Data.Transforms

type BenchDataArgs =
    | Data of dir: string
    | Workers of int
    | Batch of int
    | Images of int
    | Scale of float
    | Repeats of int
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Data _ -> "dataset folder in COCO's layout, or `synthetic` (default)"
            | Workers _ -> "loader workers = decode threads (default 2)"
            | Batch _ -> "batch size (default 8)"
            | Images _ -> "images to time (default 1000)"
            | Scale _ -> "DETR augmentation sizes multiplied by this (default: 1 for real data, 0.16 for the 128 px synthetic set, by name or by folder)"
            | Repeats _ -> "timed passes of each, alternating; medians are compared (default 5)"

let run (args: ParseResults<BenchDataArgs>) =
    let data = args.GetResult(Data, "synthetic")
    let root = if data = "synthetic" then SyntheticDataset.EnsureCached(SyntheticOptions(), fun m -> eprintfn "%s" m) else data
    let dataset = CocoDataset.FromLayout(root, "train")
    // The synthetic set is recognised by its annotations too, so that its folder given as a path is not
    // augmented at COCO's sizes (480-800 px from 128 px images).
    let scale = args.GetResult(Scale, (if data = "synthetic" || SyntheticDataset.IsSynthetic root then 0.16 else 1.0))
    let workers = args.GetResult(Workers, 2)
    let r = DataBenchmark.Run(dataset, AugmentConfig.Scaled scale, workers, args.GetResult(Batch, 8), args.GetResult(Images, 1000), args.GetResult(Repeats, 5))
    printfn "%d images from %s, %d workers, DETR augmentation x%.2f, median of %d passes (each over the images %d times); ratios: median of adjacent passes' ratios" r.Images root workers scale r.Repeats r.Rounds
    printfn "  raw libjpeg-turbo decode      %8.0f images/s (baseline, %d threads; spread %.0f%%)" r.DecodeImagesPerSecond workers (100.0 * r.DecodeSpread)
    printfn "  loader (decode+augment+batch) %8.0f images/s  = %.0f%% of raw decode (spread %.0f%%)" r.LoaderImagesPerSecond (100.0 * r.Ratio) (100.0 * r.LoaderSpread)
    printfn "  raw decode to YCbCr planes    %8.0f images/s  (what the loader decodes JPEGs to; the loader is %.0f%% of it; spread %.0f%%)" r.PlanesImagesPerSecond (100.0 * r.PlanesRatio) (100.0 * r.PlanesSpread)
    printfn "  loader + CPU normalisation    %8.0f images/s  = %.0f%% of raw decode (spread %.0f%%): what a CPU training step receives" r.CpuInputImagesPerSecond (100.0 * r.CpuInputRatio) (100.0 * r.CpuInputSpread)
    printfn "  garbage collection during the loader passes: %.1f KB allocated per image, %.1f collections/s, pauses %.1f%% of the time" (r.LoaderBytesPerImage / 1024.0) r.LoaderCollectionsPerSecond (100.0 * r.LoaderPauseShare)
    printfn "  (batches are uint8; the ImageNet normalisation runs on the training device: there on a GPU, the last line on the CPU)"
    0
