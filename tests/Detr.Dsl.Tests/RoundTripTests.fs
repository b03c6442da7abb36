/// Issue #6: `show` output parses back to an equal model, on generated models (FsCheck).
module Detr.Dsl.Tests.RoundTripTests

open System.IO
open FsCheck
open FsCheck.FSharp
open global.Xunit
open Detr.Dsl
open Detr.Dsl.Schema
open Detr.Tests

let rec private valueOf (t: FieldType) : Gen<RValue> =
    match t with
    | FieldType.Int(lo, hi) -> Gen.choose (0, int (min (hi - lo) 1000L)) |> Gen.map (fun i -> RValue.Int(lo + int64 i))
    | FieldType.IntChoice xs -> Gen.elements xs |> Gen.map RValue.Int
    | FieldType.Float(lo, hi) ->
        gen {
            let! kind = Gen.choose (0, 2)
            let! u = Gen.choose (0, 1000000)
            let x = lo + (hi - lo) * float u / 1e6
            return RValue.Float(if kind = 0 then lo elif kind = 1 then x else System.Math.Round(x, 3) |> max lo |> min hi)
        }
    | FieldType.Bool -> Gen.elements [ true; false ] |> Gen.map RValue.Bool
    | FieldType.Enum options -> Gen.elements options |> Gen.map RValue.Word
    | FieldType.List inner -> Gen.choose (0, 3) |> Gen.bind (fun n -> Gen.listOfLength n (valueOf inner)) |> Gen.map RValue.List
    | FieldType.Block(kinds, optional) ->
        let blocks = kinds |> List.map (fun k -> blockOf k |> Gen.map RValue.Block)
        Gen.oneof (if optional then Gen.constant (RValue.Word "none") :: blocks else blocks)
    | FieldType.Terms allowed ->
        gen {
            let! n = Gen.choose (1, allowed.Length)
            let! names = Gen.shuffle allowed
            let! weights = Gen.listOfLength n (Gen.choose (1, 40))
            return RValue.Terms(List.zip (List.ofArray names |> List.truncate n) (weights |> List.map (fun w -> float w / 4.0)) |> List.map (fun (name, w) -> w, name))
        }
    | FieldType.Text -> Gen.constant (RValue.Text "x")

and private blockOf (kind: string) : Gen<RBlock> =
    let schema = find kind |> Option.get
    schema.Fields
    |> List.map (fun f -> valueOf f.Type |> Gen.map (fun v -> f.Name, { Value = v; Range = Range.none }))
    |> Gen.sequenceToList
    |> Gen.map (fun fields -> { Kind = kind; Fields = Map.ofList fields })

[<Fact>]
let ``printed models parse back to equal models`` () =
    let dir = TestScratch.folder "roundtrip"
    let property (model: RBlock) =
        let file = Path.Combine(dir, "m.detr")
        File.WriteAllText(file, Printer.model "generated" model)
        let loaded, errors = Spec.load file
        match errors, Resolver.resolveModel loaded "generated" [] with
        | [], (Some back, []) -> back = model
        | e, (_, e2) -> failwithf "%A %A\n%s" e e2 (Printer.model "generated" model)
    Check.One(Config.QuickThrowOnFailure.WithMaxTest 300, Prop.forAll (Arb.fromGen (blockOf "model")) property)
