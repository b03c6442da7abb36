/// Field-level differences between two resolved models: one line per differing path.
module Detr.Dsl.Diff

open Detr.Dsl

/// `path: a -> b` lines. Blocks of the same kind are compared field by field; a change of kind (or
/// to/from none) is one line with both values.
let models (a: RBlock) (b: RBlock) : string list =
    let rec go (prefix: string) (x: RBlock) (y: RBlock) =
        let schema = Schema.find x.Kind |> Option.get
        [ for f in schema.Fields do
            let path = if prefix = "" then f.Name else prefix + "." + f.Name
            match x.Fields.[f.Name].Value, y.Fields.[f.Name].Value with
            | RValue.Block bx, RValue.Block by when bx.Kind = by.Kind -> yield! go path bx by
            | vx, vy when vx = vy -> ()
            | vx, vy -> yield sprintf "%s: %s -> %s" path (Printer.value vx) (Printer.value vy) ]
    go "" a b
