/// Typed access to a resolved model's fields by dotted path (`model.Int "decoder.layers"`).
namespace Detr.Dsl

open Detr.Dsl

type ModelView(model: RBlock, declared: Range) =
    member _.Model = model

    member _.Declared = declared

    /// The field at a dotted path, or None when a block on the way is `none`.
    member _.TryField(path: string) : RField option =
        let rec go (block: RBlock) (parts: string list) =
            match parts with
            | [] -> None
            | [ last ] -> block.Fields.TryFind last
            | head :: rest ->
                match block.Fields.TryFind head with
                | Some { Value = RValue.Block inner } -> go inner rest
                | _ -> None
        go model (path.Split('.') |> List.ofArray)

    member this.Value(path: string) =
        match this.TryField path with
        | Some f -> f.Value
        | None -> failwithf "the model has no field '%s'" path

    /// Where a field was set; the model declaration when it holds a default.
    member this.RangeOf(path: string) =
        match this.TryField path with
        | Some f when f.Range.Line > 0 -> f.Range
        | _ -> declared

    member this.Int path = match this.Value path with RValue.Int i -> int i | v -> failwithf "%s is %A, not an integer" path v
    member this.Float path = match this.Value path with RValue.Float f -> f | RValue.Int i -> float i | v -> failwithf "%s is %A, not a number" path v
    member this.Bool path = match this.Value path with RValue.Bool b -> b | v -> failwithf "%s is %A, not a boolean" path v
    member this.Word path = match this.Value path with RValue.Word w -> w | v -> failwithf "%s is %A, not a word" path v

    /// The kind of the block at a path ("none" when absent).
    member this.Kind(path: string) =
        match this.TryField path with
        | Some { Value = RValue.Block b } -> b.Kind
        | _ -> "none"

    member this.Words path = match this.Value path with RValue.List xs -> xs |> List.map (function RValue.Word w -> w | v -> failwithf "%A" v) | v -> failwithf "%s is %A, not a list" path v
    member this.Ints path = match this.Value path with RValue.List xs -> xs |> List.map (function RValue.Int i -> int i | v -> failwithf "%A" v) | v -> failwithf "%s is %A, not a list" path v
    member this.Blocks path = match this.Value path with RValue.List xs -> xs |> List.map (function RValue.Block b -> b | v -> failwithf "%A" v) | v -> failwithf "%s is %A, not a list" path v
    member this.Terms path = match this.Value path with RValue.Terms ts -> ts | v -> failwithf "%s is %A, not terms" path v
