/// The syntax tree of a spec file, as written (before imports, inheritance and defaults are resolved).
namespace Detr.Dsl.Syntax

open Detr.Dsl

/// A weighted term of a cost or loss expression: `5 * l1`.
type Term = { Weight: float; Name: string; Range: Range }

[<RequireQualifiedAccess>]
type Value =
    | Number of value: float * isInteger: bool * range: Range
    | Bool of value: bool * range: Range
    /// A word: a `let` name, an enumeration value (`c5`, `detr`) or `none`.
    | Word of name: string * range: Range
    | Text of value: string * range: Range
    | List of items: Value list * range: Range
    /// `kind { statements }`
    | Block of kind: string * body: Statement list * range: Range
    /// `2 * class + 5 * l1`
    | Terms of terms: Term list * range: Range

    member v.Range =
        match v with
        | Number(_, _, r) | Bool(_, r) | Word(_, r) | Text(_, r) | List(_, r) | Block(_, _, r) | Terms(_, r) -> r

and [<RequireQualifiedAccess>] Statement =
    /// `path = value` (replace), e.g. `decoder = conditional { ... }` or `decoder.layers = 3`
    | Assign of path: (string * Range) list * value: Value * range: Range
    /// `path { statements }` (merge into the inherited block), e.g. `train { epochs = 50 }`
    | Merge of path: (string * Range) list * body: Statement list * range: Range

    member s.Range =
        match s with
        | Assign(_, _, r) | Merge(_, _, r) -> r

[<RequireQualifiedAccess>]
type Declaration =
    | Import of path: string * range: Range
    | Let of name: string * value: Value * range: Range
    | Model of name: string * parent: (string * Range) option * body: Statement list * range: Range

type SpecFile = { Path: string; Declarations: Declaration list }
