namespace Detr.Dsl

/// A span of source text: file, 1-based line and column of the start and the end.
[<Struct; CustomEquality; NoComparison>]
type Range =
    { File: string
      Line: int
      Col: int
      EndLine: int
      EndCol: int }

    /// Ranges never take part in equality: two models are equal whatever their source positions.
    override _.Equals(other: obj) = other :? Range
    override _.GetHashCode() = 0
    override r.ToString() = sprintf "%s:%d:%d" r.File r.Line r.Col

module Range =
    let none = { File = "<none>"; Line = 0; Col = 0; EndLine = 0; EndCol = 0 }

    let ofPositions (file: string) (s: FParsec.Position) (e: FParsec.Position) =
        { File = file; Line = int s.Line; Col = int s.Column; EndLine = int e.Line; EndCol = int e.Column }
