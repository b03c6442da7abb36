/// From syntax to one fully resolved model: imports (relative paths, cycles), `let` references,
/// inheritance chains, replace / merge / field-set statements and `--set` overrides, every block filled
/// with its schema's defaults and every value type- and range-checked. Errors accumulate.
module Detr.Dsl.Resolver

open System
open System.IO
open Detr.Dsl
open Detr.Dsl.Schema
open Detr.Dsl.Syntax

/// The declarations visible from a spec file: its own and those of the files it imports.
type Loaded =
    { Root: string
      Sources: Map<string, string[]>
      Lets: Map<string, Value * Range>
      Models: Map<string, (string * Range) option * Statement list * Range>
      /// Models declared in the root file itself, in order.
      Own: string list }

/// Parses a file and everything it imports. Diagnostics: syntax errors, missing imports, import cycles,
/// duplicate names.
let load (path: string) : Loaded * Diagnostic list =
    let diagnostics = ResizeArray<Diagnostic>()
    let sources = Collections.Generic.Dictionary<string, string[]>()
    let lets = Collections.Generic.Dictionary<string, Value * Range>()
    let models = Collections.Generic.Dictionary<string, (string * Range) option * Statement list * Range>()
    let own = ResizeArray<string>()
    let rec visit (file: string) (stack: string list) (from: Range) =
        let full = Path.GetFullPath file
        if List.contains full stack then
            let chain = (List.rev (full :: stack)) |> List.skipWhile ((<>) full) |> List.map Path.GetFileName |> String.concat " -> "
            diagnostics.Add(Diagnostic.error "DSL010" from (sprintf "import cycle: %s" chain))
        elif not (sources.ContainsKey full) then
            if not (File.Exists full) then
                diagnostics.Add(Diagnostic.error "DSL011" from (sprintf "cannot find '%s'" file))
            else
                let text = File.ReadAllText full
                let display = Path.GetRelativePath(Environment.CurrentDirectory, full)
                sources.[full] <- text.Split('\n')
                sources.[display] <- sources.[full]
                match Parser.parseText display text with
                | Result.Error e -> diagnostics.Add(Diagnostic.error "DSL001" e.Range e.Message)
                | Result.Ok spec ->
                    for d in spec.Declarations do
                        match d with
                        | Declaration.Import(relative, r) -> visit (Path.Combine(Path.GetDirectoryName full, relative)) (full :: stack) r
                        | Declaration.Let(name, v, r) ->
                            if lets.ContainsKey name then diagnostics.Add(Diagnostic.error "DSL022" r (sprintf "'%s' is already defined" name))
                            else lets.[name] <- (v, r)
                        | Declaration.Model(name, parent, body, r) ->
                            if models.ContainsKey name then diagnostics.Add(Diagnostic.error "DSL022" r (sprintf "model '%s' is already defined" name))
                            else
                                models.[name] <- (parent, body, r)
                                if stack.IsEmpty then own.Add name
    visit path [] { Range.none with File = path; Line = 1; Col = 1 }
    { Root = Path.GetFullPath path
      Sources = sources |> Seq.map (fun kv -> kv.Key, kv.Value) |> Map.ofSeq
      Lets = lets |> Seq.map (fun kv -> kv.Key, kv.Value) |> Map.ofSeq
      Models = models |> Seq.map (fun kv -> kv.Key, kv.Value) |> Map.ofSeq
      Own = List.ofSeq own },
    List.ofSeq diagnostics

/// Resolution of one model against the loaded declarations; diagnostics collect in `Diagnostics`.
type private Context(loaded: Loaded) =
    member val Diagnostics = ResizeArray<Diagnostic>()
    member this.Add d = this.Diagnostics.Add d
    member _.Loaded = loaded

let private describeValue (v: Value) =
    match v with
    | Value.Number(_, true, _) -> "an integer"
    | Value.Number _ -> "a number"
    | Value.Bool _ -> "a boolean"
    | Value.Word(w, _) -> sprintf "'%s'" w
    | Value.Text _ -> "a string"
    | Value.List _ -> "a list"
    | Value.Block(k, _, _) -> sprintf "a %s block" k
    | Value.Terms _ -> "a weighted sum"

/// Evaluates a written value against the field's type. `where` names the field for messages.
let rec private eval (ctx: Context) (where: string) (expected: FieldType) (value: Value) (letsInUse: string list) : RValue option =
    let fail code (message: string) = ctx.Add(Diagnostic.error code value.Range message); None
    let wrongType () = fail "DSL003" (sprintf "%s must be %s, got %s" where (describe expected) (describeValue value))
    let isEnumWord w = match expected with FieldType.Enum opts -> List.contains w opts | _ -> false
    match expected, value with
    // A `let` name stands for its value (unless the word is an allowed enumeration value).
    | _, Value.Word(name, _) when ctx.Loaded.Lets.ContainsKey name && not (isEnumWord name) && name <> "none" ->
        if List.contains name letsInUse then fail "DSL022" (sprintf "'%s' refers to itself" name)
        else eval ctx where expected (fst ctx.Loaded.Lets.[name]) (name :: letsInUse)
    | FieldType.Int(lo, hi), Value.Number(n, true, _) ->
        if n < float lo || n > float hi then fail "DSL004" (sprintf "%s = %g is out of range [%d, %d]" where n lo hi) else Some(RValue.Int(int64 n))
    | FieldType.IntChoice choices, Value.Number(n, true, _) ->
        if List.contains (int64 n) choices then Some(RValue.Int(int64 n))
        else fail "DSL004" (sprintf "%s = %g must be one of %s" where n (choices |> List.map string |> String.concat ", "))
    | FieldType.Float(lo, hi), Value.Number(n, _, _) ->
        if n < lo || n > hi then fail "DSL004" (sprintf "%s = %g is out of range [%g, %g]" where n lo hi) else Some(RValue.Float n)
    | FieldType.Bool, Value.Bool(b, _) -> Some(RValue.Bool b)
    | FieldType.Text, Value.Text(t, _) -> Some(RValue.Text t)
    | FieldType.Enum options, Value.Word(w, r) ->
        if List.contains w options then Some(RValue.Word w)
        else
            ctx.Add(
                Diagnostic.error "DSL006" r (sprintf "%s = %s: expected %s" where w (String.concat ", " options))
                |> fun d -> match Diagnostic.didYouMean w options with Some h -> Diagnostic.withHint h d | None -> d)
            None
    | FieldType.List inner, Value.List(items, _) ->
        let values = items |> List.map (fun i -> eval ctx where inner i letsInUse)
        if values |> List.forall Option.isSome then Some(RValue.List(values |> List.map Option.get)) else None
    | FieldType.Block(_, true), Value.Word("none", _) -> Some(RValue.Word "none")
    | FieldType.Block(kinds, _), Value.Block(kind, body, r) ->
        if List.contains kind kinds then
            let start = defaultBlock kind
            Some(RValue.Block(applyAll ctx start body letsInUse))
        else
            let d = Diagnostic.error "DSL005" r (sprintf "%s must be %s, not %s" where (describe expected) kind)
            ctx.Add(match Diagnostic.didYouMean kind kinds with Some h -> Diagnostic.withHint h d | None -> d)
            None
    | FieldType.Block(kinds, _), Value.Word(w, r) when not (ctx.Loaded.Lets.ContainsKey w) ->
        let d = Diagnostic.error "DSL006" r (sprintf "%s = %s: '%s' is not a let name; write a block such as %s { ... }" where w w (List.head kinds))
        ctx.Add(match Diagnostic.didYouMean w (Seq.append kinds ctx.Loaded.Lets.Keys) with Some h -> Diagnostic.withHint h d | None -> d)
        None
    | FieldType.Terms allowed, Value.Terms(terms, _) -> evalTerms ctx where allowed terms
    | FieldType.Terms allowed, Value.Word(w, r) -> evalTerms ctx where allowed [ { Weight = 1.0; Name = w; Range = r } ]
    | _ -> wrongType ()

and private evalTerms (ctx: Context) (where: string) (allowed: string list) (terms: Term list) =
    let bad = terms |> List.filter (fun t -> not (List.contains t.Name allowed))
    for t in bad do
        let d = Diagnostic.error "DSL007" t.Range (sprintf "%s: unknown term '%s' (terms: %s)" where t.Name (String.concat ", " allowed))
        ctx.Add(match Diagnostic.didYouMean t.Name allowed with Some h -> Diagnostic.withHint h d | None -> d)
    let repeated = terms |> List.countBy (fun t -> t.Name) |> List.filter (fun (_, n) -> n > 1)
    for (name, _) in repeated do
        ctx.Add(Diagnostic.error "DSL024" (terms |> List.find (fun t -> t.Name = name)).Range (sprintf "%s: term '%s' appears twice" where name))
    if bad.IsEmpty && repeated.IsEmpty then Some(RValue.Terms(terms |> List.map (fun t -> t.Weight, t.Name))) else None

/// Applies statements, in order, to a block.
and private applyAll (ctx: Context) (block: RBlock) (statements: Statement list) (letsInUse: string list) : RBlock =
    statements |> List.fold (fun b s -> apply ctx b s letsInUse) block

and private unknownField (ctx: Context) (kind: string) (name: string) (r: Range) =
    let schema = find kind |> Option.get
    let d = Diagnostic.error "DSL002" r (sprintf "unknown field '%s' in %s" name (if kind = "model" then "a model" else kind))
    let hint =
        match Diagnostic.didYouMean name (schema.Fields |> List.map (fun f -> f.Name)) with
        | Some h -> Some h
        | None ->
            match kindsWithField name |> List.filter ((<>) kind) with
            | [] -> None
            | others -> Some(sprintf "'%s' is a field of %s, not %s" name (String.concat ", " others) kind)
    ctx.Add(match hint with Some h -> Diagnostic.withHint h d | None -> d)

and private apply (ctx: Context) (block: RBlock) (statement: Statement) (letsInUse: string list) : RBlock =
    match statement with
    | Statement.Assign([ name, nr ], value, _) ->
        match field block.Kind name with
        | None -> unknownField ctx block.Kind name nr; block
        | Some f ->
            match eval ctx (if block.Kind = "model" then name else sprintf "%s.%s" block.Kind name) f.Type value letsInUse with
            | Some v -> { block with Fields = block.Fields.Add(name, { Value = v; Range = value.Range }) }
            | None -> block
    | Statement.Assign((name, nr) :: rest, value, r) -> descend ctx block name nr (fun inner -> apply ctx inner (Statement.Assign(rest, value, r)) letsInUse)
    | Statement.Merge([], body, _) -> applyAll ctx block body letsInUse
    | Statement.Merge((name, nr) :: rest, body, r) -> descend ctx block name nr (fun inner -> apply ctx inner (Statement.Merge(rest, body, r)) letsInUse)
    | Statement.Assign([], _, _) -> block

/// Applies `f` to the block held by field `name` (which must exist and hold a block).
and private descend (ctx: Context) (block: RBlock) (name: string) (nr: Range) (f: RBlock -> RBlock) =
    match field block.Kind name, block.Fields.TryFind name with
    | None, _ -> unknownField ctx block.Kind name nr; block
    | Some _, Some { Value = RValue.Block inner; Range = range } ->
        { block with Fields = block.Fields.Add(name, { Value = RValue.Block(f inner); Range = range }) }
    | Some _, _ ->
        ctx.Add(Diagnostic.error "DSL023" nr (sprintf "'%s' is none; assign a block first (e.g. %s = ...)" name name))
        block

/// Resolves model `name` with `overrides` (parsed `--set` statements) applied last.
let resolveModel (loaded: Loaded) (name: string) (overrides: Statement list) : RBlock option * Diagnostic list =
    let ctx = Context(loaded)
    let rec resolve (model: string) (stack: string list) (use': Range) : RBlock option =
        if List.contains model stack then
            ctx.Add(Diagnostic.error "DSL009" use' (sprintf "inheritance cycle: %s" (String.concat " : " (List.rev (model :: stack)))))
            None
        else
            match loaded.Models.TryFind model with
            | None ->
                let d = Diagnostic.error "DSL008" use' (sprintf "unknown model '%s'" model)
                ctx.Add(match Diagnostic.didYouMean model loaded.Models.Keys with Some h -> Diagnostic.withHint h d | None -> d)
                None
            | Some(parent, body, _) ->
                let start =
                    match parent with
                    | Some(p, pr) -> resolve p (model :: stack) pr
                    | None -> Some(defaultBlock "model")
                start |> Option.map (fun b -> applyAll ctx b body [])
    let declared = loaded.Models.TryFind name |> Option.map (fun (_, _, r) -> r) |> Option.defaultValue { Range.none with File = loaded.Root; Line = 1; Col = 1 }
    let result = resolve name [] declared |> Option.map (fun m -> applyAll ctx m overrides [])
    result, List.ofSeq ctx.Diagnostics
