/// The spec language parser (FParsec). Lexemes eat trailing whitespace and comments; nonterminals are
/// named values; the top parser ends in eof. Errors come back as values with file:line:col.
module Detr.Dsl.Syntax.Parser

open FParsec
open Detr.Dsl

type private P<'a> = Parser<'a, string>   // user state: the file name

let private comment: P<unit> = skipChar '#' >>. skipRestOfLine true
let private ws: P<unit> = skipMany (spaces1 <|> comment)
let private lexeme p = p .>> ws
let private symbol (s: string) = lexeme (skipString s) <?> sprintf "'%s'" s

/// Wraps a parser to return its source range as well.
let private withRange (p: P<'a>) : P<'a * Range> =
    getUserState >>= fun file -> pipe3 getPosition p getPosition (fun s v e -> v, Range.ofPositions file s e)

let private keywords = set [ "model"; "let"; "import"; "true"; "false" ]

let private identifierText: P<string> =
    let first c = isLetter c || c = '_'
    let rest c = (isLetter c || isDigit c) || c = '_'
    many1Satisfy2L first rest "identifier"

let private identifier: P<string * Range> =
    lexeme (withRange (identifierText >>= fun s -> if keywords.Contains s then fail (sprintf "'%s' is a keyword" s) else preturn s))

let private keyword (k: string) = lexeme (skipString k .>> notFollowedBy (satisfy (fun c -> (isLetter c || isDigit c) || c = '_'))) <?> sprintf "'%s'" k

let private stringLiteral: P<string * Range> =
    lexeme (withRange (between (skipChar '"') (skipChar '"') (manySatisfy (fun c -> c <> '"' && c <> '\n')))) <?> "string"

/// A number: `256`, `0.1`, `1e-4`, `-2`; remembers whether it was written as an integer.
let private number: P<(float * bool) * Range> =
    let options = NumberLiteralOptions.AllowMinusSign ||| NumberLiteralOptions.AllowFraction ||| NumberLiteralOptions.AllowExponent
    lexeme (withRange (numberLiteral options "number" |>> fun n -> float n.String, n.IsInteger)) <?> "number"

let private value, private valueRef = createParserForwardedToRef<Value, string> ()
let private body, private bodyRef = createParserForwardedToRef<Statement list, string> ()

let private path = sepBy1 identifier (symbol ".")

/// One summand of a cost or loss expression: `5 * l1` or `l1`.
let private summand: P<Term> =
    (number .>>. (symbol "*" >>. identifier) |>> fun ((n, r), (name, tr)) ->
        { Weight = fst n; Name = name; Range = { r with EndLine = tr.EndLine; EndCol = tr.EndCol } })
    <|> (identifier |>> fun (name, r) -> { Weight = 1.0; Name = name; Range = r })

let private moreTerms = many (symbol "+" >>. summand)

let private span (a: Range) (b: Range) = { a with EndLine = b.EndLine; EndCol = b.EndCol }

/// After a word: a block `kind { ... }`, the rest of a sum `class + ...`, or the word itself.
let private afterWord (name: string, r: Range) : P<Value> =
    (between (symbol "{") (symbol "}") body |> withRange |>> fun (stmts, br) -> Value.Block(name, stmts, span r br))
    <|> (symbol "+" >>. sepBy1 summand (symbol "+") |>> fun rest ->
            let first = { Weight = 1.0; Name = name; Range = r }
            Value.Terms(first :: rest, span r (List.last rest).Range))
    <|> preturn (Value.Word(name, r))

/// After a number: the rest of a sum `2 * class + ...`, or the number itself.
let private afterNumber ((n: float, isInt: bool), r: Range) : P<Value> =
    (symbol "*" >>. identifier .>>. moreTerms |>> fun ((name, tr), rest) ->
        let first = { Weight = n; Name = name; Range = span r tr }
        let all = first :: rest
        Value.Terms(all, span r (List.last all).Range))
    <|> preturn (Value.Number(n, isInt, r))

do valueRef.Value <-
    choice [
        (keyword "true" |> withRange |>> fun (_, r) -> Value.Bool(true, r))
        (keyword "false" |> withRange |>> fun (_, r) -> Value.Bool(false, r))
        (stringLiteral |>> Value.Text)
        (withRange (between (symbol "[") (symbol "]") (sepEndBy value (symbol ","))) |>> Value.List)
        (identifier >>= afterWord)
        (number >>= afterNumber)
    ] <?> "value"

let private statement: P<Statement> =
    withRange (path .>>. ((symbol "=" >>. value |>> Choice1Of2) <|> (between (symbol "{") (symbol "}") body |>> Choice2Of2)))
    |>> fun ((p, rest), r) ->
        match rest with
        | Choice1Of2 v -> Statement.Assign(p, v, r)
        | Choice2Of2 b -> Statement.Merge(p, b, r)

do bodyRef.Value <- sepEndBy statement (optional (symbol ","))

let private declaration: P<Declaration> =
    choice [
        withRange (keyword "import" >>. stringLiteral) |>> fun ((path, _), r) -> Declaration.Import(path, r)
        withRange (keyword "let" >>. identifier .>> symbol "=" .>>. value) |>> fun (((name, _), v), r) -> Declaration.Let(name, v, r)
        withRange (keyword "model" >>. identifier .>>. opt (symbol ":" >>. identifier) .>>. between (symbol "{") (symbol "}") body)
        |>> fun ((((name, _), parent), stmts), r) -> Declaration.Model(name, parent, stmts, r)
    ] <?> "'model', 'let' or 'import'"

let private file: P<Declaration list> = ws >>. many declaration .>> eof

/// A statement list on its own (the grammar of `--set path=value`).
let private setOverride: P<Statement> = ws >>. statement .>> eof

/// A parse error: where, what was expected, and the source line with a caret.
type ParseError = { Range: Range; Message: string }

let private toError (file: string) (error: FParsec.Error.ParserError) =
    let expected =
        error.Messages
        |> ErrorMessageList.ToSortedArray
        |> Array.choose (function
            | :? ErrorMessage.Expected as e -> Some e.Label
            | :? ErrorMessage.ExpectedString as e -> Some(sprintf "'%s'" e.String)
            | _ -> None)
        |> Array.distinct
    let messages =
        error.Messages
        |> ErrorMessageList.ToSortedArray
        |> Array.choose (function
            | :? ErrorMessage.Message as m when m.String <> "" -> Some m.String
            | _ -> None)
    let text =
        match messages, expected with
        | [||], [||] -> "syntax error"
        | ms, [||] -> String.concat "; " ms
        | _, [| one |] -> sprintf "expected %s" one
        | _, many -> sprintf "expected %s or %s" (String.concat ", " many.[.. many.Length - 2]) many.[many.Length - 1]
    let p = error.Position
    { Range = { File = file; Line = int p.Line; Col = int p.Column; EndLine = int p.Line; EndCol = int p.Column }; Message = text }

let parseText (fileName: string) (text: string) : Result<SpecFile, ParseError> =
    match runParserOnString file fileName fileName text with
    | Success(decls, _, _) -> Result.Ok { Path = fileName; Declarations = decls }
    | Failure(_, error, _) -> Result.Error(toError fileName error)

/// Parses `path=value` as given to `--set` (the same grammar as a statement in a model body).
let parseOverride (text: string) : Result<Statement, ParseError> =
    match runParserOnString setOverride "--set" "--set" text with
    | Success(s, _, _) -> Result.Ok s
    | Failure(_, error, _) -> Result.Error(toError "--set" error)
