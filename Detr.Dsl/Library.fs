/// Detr.Dsl: the spec language. Filled by the spec-language issue (#6).
module Detr.Dsl.Library

/// File extension of spec files.
let specExtension = ".detr"
