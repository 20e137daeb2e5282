//! Outputs: summary lines, `-V` tree, `-x` hex, `-T json|jsonl|fields`, glossary.
