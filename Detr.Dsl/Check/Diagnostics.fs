/// Diagnostics as values: a code, a severity, where, what, and an optional hint. Their texts live here.
namespace Detr.Dsl

type Severity =
    | Error
    | Warning

type Diagnostic =
    { Code: string
      Severity: Severity
      Range: Range
      Message: string
      Hint: string option }

module Diagnostic =
    let error code range message = { Code = code; Severity = Error; Range = range; Message = message; Hint = None }
    let warning code range message = { Code = code; Severity = Warning; Range = range; Message = message; Hint = None }
    let withHint hint (d: Diagnostic) = { d with Hint = Some hint }

    /// The message catalogue: every code with what it means (docs/spec-language.md lists them).
    let codes =
        [ "DSL001", "syntax error"
          "DSL002", "unknown field"
          "DSL003", "wrong type"
          "DSL004", "value out of range"
          "DSL005", "block kind not allowed for this field"
          "DSL006", "unknown word (neither a `let` name nor an allowed value)"
          "DSL007", "unknown cost or loss term"
          "DSL008", "unknown model"
          "DSL009", "inheritance cycle"
          "DSL010", "import cycle"
          "DSL011", "import not found"
          "DSL012", "dim not divisible by heads"
          "DSL013", "fewer levels than backbone stages"
          "DSL014", "iou assignment on queries without boxes"
          "DSL015", "focal class loss needs a sigmoid head"
          "DSL016", "collaborate without auxiliary heads"
          "DSL017", "deformable attention needs a multi-scale neck"
          "DSL018", "box_refine outside a deformable decoder"
          "DSL019", "proposals need a deformable decoder with box refinement"
          "DSL020", "shape mismatch"
          "DSL021", "learning-rate drop after the last epoch"
          "DSL022", "duplicate name"
          "DSL023", "path into a block that is none or not a block"
          "DSL024", "a repeated field"
          "DSL025", "incompatible head and assignment"
          "DSL026", "data-parallel replicas incompatible with the recipe or model"
          "DSL030", "not supported yet by the compiler (checked, but no modules to build it)" ]

    let private edit (a: string) (b: string) =
        let d = Array2D.init (a.Length + 1) (b.Length + 1) (fun i j -> if i = 0 then j elif j = 0 then i else 0)
        for i in 1 .. a.Length do
            for j in 1 .. b.Length do
                let cost = if a.[i - 1] = b.[j - 1] then 0 else 1
                d.[i, j] <- min (min (d.[i - 1, j] + 1) (d.[i, j - 1] + 1)) (d.[i - 1, j - 1] + cost)
        d.[a.Length, b.Length]

    /// The closest candidate within a small edit distance, for "did you mean" hints.
    let closest (word: string) (candidates: string seq) =
        candidates
        |> Seq.map (fun c -> c, edit word c)
        |> Seq.filter (fun (c, d) -> d <= max 1 (min 3 (c.Length / 3)) && d < word.Length)
        |> Seq.sortBy snd
        |> Seq.tryHead
        |> Option.map fst

    let didYouMean word candidates = closest word candidates |> Option.map (sprintf "did you mean '%s'?")

    /// `file:line:col: error: message [DSL012]` (the CLI contract's `error: ...` with the code last), then
    /// the hint, then the source line with a caret.
    let format (sourceLine: Range -> string option) (d: Diagnostic) =
        let head = sprintf "%s:%d:%d: %s: %s [%s]" d.Range.File d.Range.Line d.Range.Col (if d.Severity = Error then "error" else "warning") d.Message d.Code
        let hint = d.Hint |> Option.map (sprintf "\n  hint: %s") |> Option.defaultValue ""
        let caret =
            match sourceLine d.Range with
            | Some line when d.Range.Col >= 1 ->
                let width = if d.Range.EndLine = d.Range.Line then max 1 (d.Range.EndCol - d.Range.Col) else 1
                sprintf "\n  %s\n  %s%s" (line.TrimEnd()) (String.replicate (d.Range.Col - 1) " ") (String.replicate (min width 60) "^")
            | _ -> ""
        head + hint + caret
