/// Resolved values: every field present, typed, with the range where it was set (for messages).
namespace Detr.Dsl

[<RequireQualifiedAccess>]
type RValue =
    | Int of int64
    | Float of float
    | Bool of bool
    /// An enumeration value (`c5`, `detr`, `host`) or `none` for an absent optional block.
    | Word of string
    | Text of string
    | List of RValue list
    | Block of RBlock
    /// Weighted terms of a cost or loss, in the written order.
    | Terms of (float * string) list

/// A block of a given kind with all its fields. Ranges do not take part in equality.
and RBlock =
    { Kind: string
      Fields: Map<string, RField> }

and RField = { Value: RValue; Range: Range }

module RValue =
    let isNone v = (v = RValue.Word "none")
