/// Canonical syntax of a resolved model: every field, in schema order. The output parses back to an
/// equal model (tested as a property on generated models).
module Detr.Dsl.Printer

open System.Globalization
open Detr.Dsl

/// Shortest text that reads back as the same double; integers-valued floats keep a ".0" out (they read back as floats anyway).
let number (f: float) =
    let text = f.ToString("R", CultureInfo.InvariantCulture)
    if text.Contains "E" then text.Replace("E+", "e").Replace("E", "e") else text

let rec value (v: RValue) =
    match v with
    | RValue.Int i -> string i
    | RValue.Float f -> number f
    | RValue.Bool b -> if b then "true" else "false"
    | RValue.Word w -> w
    | RValue.Text t -> sprintf "\"%s\"" t
    | RValue.List items -> "[" + (items |> List.map value |> String.concat ", ") + "]"
    | RValue.Block b -> block b
    | RValue.Terms terms -> terms |> List.map (fun (w, n) -> sprintf "%s * %s" (number w) n) |> String.concat " + "

/// `kind { a = 1, b = 2 }` with fields in schema order.
and block (b: RBlock) =
    let schema = Schema.find b.Kind |> Option.get
    let fields = schema.Fields |> List.map (fun f -> sprintf "%s = %s" f.Name (value b.Fields.[f.Name].Value))
    if fields.IsEmpty then sprintf "%s {}" b.Kind else sprintf "%s { %s }" b.Kind (String.concat ", " fields)

/// `model NAME { ... }`, one top-level field per line.
let model (name: string) (m: RBlock) =
    let schema = Schema.find "model" |> Option.get
    let lines = schema.Fields |> List.map (fun f -> sprintf "  %s = %s" f.Name (value m.Fields.[f.Name].Value))
    sprintf "model %s {\n%s\n}\n" name (String.concat "\n" lines)

/// A kind's schema as text (`detr show --schema KIND`).
let schema (k: Schema.KindSchema) =
    let width = k.Fields |> List.map (fun f -> f.Name.Length) |> List.fold max 4
    let lines =
        k.Fields
        |> List.map (fun f -> sprintf "  %-*s  %-40s default %-24s %s" width f.Name (Schema.describe f.Type) (value (f.Default())) f.Doc)
    sprintf "%s — %s\n%s\n" k.Kind k.Doc (if lines.IsEmpty then "  (no fields)" else String.concat "\n" lines)
