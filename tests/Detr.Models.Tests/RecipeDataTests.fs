/// The training transform a recipe's `augment` names (Detr.Runtime.Training.RecipeData): `flip` mirrors about
/// half the images and resizes every one to image_min; `none` resizes and never mirrors.
module Detr.Models.Tests.RecipeDataTests

open System
open Xunit
open Detr.Runtime.Data
open Detr.Runtime.Data.Transforms
open Detr.Runtime.Imaging
open Detr.Runtime.Training
open Detr.Models.Tests.ParityFixture

let private recipe augment =
    (ParityFixture.compile { Folder = ""; Spec = "specs/conditional_detr_tiny.detr"; Model = "conditional_detr_tiny"; Overrides = [] }
         [ sprintf "train.augment=%s" augment; "train.image_min=[96]"; "train.image_max=213" ]).Plan.Train

/// A 128x64 image with one box at x 10..30: mirrored, the box lies at x 98..118 before the resize.
let private sample () =
    DetectionSample(ImageView.Of(RgbImage(128, 64)), [| 10f; 5f; 30f; 25f |], [| 1L |], [| 400f |], 1L, struct (64, 128))

let private outcomes augment =
    let transform = RecipeData.TrainTransform(recipe augment)
    [ for seed in 0 .. 199 -> transform.Apply(sample (), SampleRandom(uint64 seed)) ]

[<Fact>]
let ``augment = flip mirrors about half the images and resizes each to image_min`` () =
    let results = outcomes "flip"
    for r in results do
        Assert.Equal(struct (96, 192), struct (r.Image.Height, r.Image.Width))
    let flipped = results |> List.filter (fun r -> r.Image.Flipped)
    Assert.InRange(flipped.Length, 70, 130)
    for r in flipped do
        Assert.Equal<float32>([| 147f; 7.5f; 177f; 37.5f |], r.Boxes)              // (128 − 30, 128 − 10) × 1.5
    for r in results |> List.filter (fun r -> not r.Image.Flipped) do
        Assert.Equal<float32>([| 15f; 7.5f; 45f; 37.5f |], r.Boxes)

[<Fact>]
let ``augment = none resizes and never mirrors`` () =
    for r in outcomes "none" do
        Assert.False(r.Image.Flipped)
        Assert.Equal<float32>([| 15f; 7.5f; 45f; 37.5f |], r.Boxes)
