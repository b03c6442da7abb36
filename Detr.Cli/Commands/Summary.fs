/// `detr summary`: a compiled model's module tree with parameter counts per component (trainable as papers
/// report them, and all), and its cost in multiply–accumulates from one forward pass at an image size.
module Detr.Cli.Commands.Summary

open System
open Argu
open Detr.Cli
open Detr.Dsl
open Detr.Torch

type SummaryArgs =
    | [<MainCommand; Mandatory>] File of path: string
    | Model of name: string
    | Set of assignment: string
    | Size of hxw: string
    | Depth of levels: int
    | No_Flops
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | File _ -> "spec file (.detr)"
            | Model _ -> "model (needed when the file declares several)"
            | Set _ -> "override a field, as `path=value` (repeatable)"
            | Size _ -> "image size for the FLOP count, HxW (default 800x1333, DETR's evaluation size)"
            | Depth _ -> "levels of the module tree to print (default 3)"
            | No_Flops -> "skip the forward pass that counts FLOPs"

/// `800x1333` -> (800, 1333).
let parseSize (text: string) =
    match text.ToLowerInvariant().Split('x') with
    | [| h; w |] ->
        match Int32.TryParse h, Int32.TryParse w with
        | (true, h), (true, w) when h >= 32 && w >= 32 -> h, w
        | _ -> failwithf "--size %s: expected HxW with both at least 32, e.g. 800x1333" text
    | _ -> failwithf "--size %s: expected HxW, e.g. 800x1333" text

let private millions (n: int64) = sprintf "%.2fM" (float n / 1e6)

/// `ModuleList`1` -> `ModuleList`.
let private typeName (m: Module) =
    let n = m.GetType().Name
    match n.IndexOf '`' with
    | -1 -> n
    | i -> n.Substring(0, i)

/// Module tree rows: path, trainable and total parameters, down to `depth` levels; a ModuleList's
/// repeated children are folded into one line ("layers.0..5").
let rec private rows (prefix: string) (m: Module) (level: int) (depth: int) =
    [ for struct (name, child) in m.NamedChildren() |> List.ofSeq do
        let path = if prefix = "" then name else prefix + "." + name
        yield level, path, typeName child, child.ParameterCount(true), child.ParameterCount()
        let children = child.NamedChildren() |> Seq.map (fun struct (n, c) -> n, c) |> List.ofSeq
        let numbered = not children.IsEmpty && children |> List.forall (fun (n, _) -> fst (Int32.TryParse n))
        if level + 1 < depth then
            if numbered && children.Length > 2 then
                let _, first = children.Head
                let trainable = children |> List.sumBy (fun (_, c) -> c.ParameterCount(true))
                let total = children |> List.sumBy (fun (_, c) -> c.ParameterCount())
                yield level + 1, sprintf "%s.{0..%d}" path (children.Length - 1), sprintf "%d x %s" children.Length (typeName first), trainable, total
            else yield! rows path child (level + 1) depth ]

let run (args: ParseResults<SummaryArgs>) =
    TorchSetup.init ()
    try
        let compiled = ModelLoading.compile (args.GetResult File) (args.TryGetResult Model) (args.GetResults Set)
        use detector = Compiler.build compiled
        let depth = args.GetResult(Depth, defaultValue = 3)
        printfn "%s" compiled.Name
        printfn "  %-52s %-26s %12s %12s" "module" "type" "trainable" "all"
        for level, path, kind, trainable, total in rows "" detector 0 depth do
            printfn "  %-52s %-26s %12s %12s" (String.replicate (2 * level) " " + path) kind (millions trainable) (millions total)
        let trainable, total = detector.ParameterCount(true), detector.ParameterCount()
        printfn "  %-52s %-26s %12s %12s" "total" "" (millions trainable) (millions total)
        printfn "parameters: %d trainable, %d in all (frozen batch-norm statistics are buffers, not counted)" trainable total
        if not (args.Contains No_Flops) then
            let h, w = parseSize (args.GetResult(Size, defaultValue = "800x1333"))
            detector.Eval() |> ignore
            use scope = DisposeScope.Enter()
            use _ = LibTorch.NoGrad()
            let images = Tensor.Zeros([| 1L; 3L; int64 h; int64 w |])
            let mask = Tensor.Zeros([| 1L; int64 h; int64 w |], DType.Bool)
            use counting = FlopCounter.Start()
            detector.Forward(images, mask) |> ignore
            printfn "FLOPs at %dx%d, one image (multiply-accumulates of conv, linear and matrix products, as fvcore counts them):" h w
            for KeyValue(section, macs) in counting.BySection do
                printfn "  %-24s %9.2f G" section (float macs / 1e9)
            printfn "  %-24s %9.2f G" "total" (float counting.Total / 1e9)
        0
    with ModelLoading.SpecFailed -> 1
