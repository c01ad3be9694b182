//! Bicep text → a tree-sitter concrete syntax tree (the `tree-sitter-bicep` grammar). The
//! dialect stage evaluates it (`dialect::template::bicep`); this stage only parses and says
//! where the first syntax error is.

use super::SyntaxError;
use tree_sitter::{Node as TsNode, Parser, Tree};

/// Parses `text`; the first syntax error, in words, when it is not Bicep.
pub fn parse(text: &str) -> Result<Tree, SyntaxError> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_bicep::LANGUAGE.into())
        .map_err(|e| SyntaxError {
            offset: 0,
            message: format!("the Bicep grammar could not be loaded: {e}"),
        })?;
    let tree = parser.parse(text, None).ok_or_else(|| SyntaxError {
        offset: 0,
        message: "the Bicep parser gave up on this file".into(),
    })?;
    if tree.root_node().has_error() {
        return Err(first_error(text, tree.root_node()));
    }
    Ok(tree)
}

/// The first syntax error of a tree, in words: the innermost error node on the path of the
/// first child with an error (tree-sitter wraps what it could not read in `ERROR` nodes, the
/// outer ones often a whole declaration).
fn first_error(text: &str, root: TsNode<'_>) -> SyntaxError {
    let mut n = root;
    for _ in 0..10_000 {
        if n.is_missing() {
            return SyntaxError {
                offset: n.start_byte(),
                message: format!("expected `{}`", n.kind()),
            };
        }
        let mut cursor = n.walk();
        let next = n
            .children(&mut cursor)
            .find(|c| c.is_missing() || c.is_error() || c.has_error());
        match next {
            Some(c) => n = c,
            None => break,
        }
    }
    let snippet: String = text
        .get(n.byte_range())
        .unwrap_or_default()
        .chars()
        .take(40)
        .collect();
    let snippet = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
    SyntaxError {
        offset: n.start_byte(),
        message: if snippet.is_empty() {
            "this is not valid Bicep".into()
        } else {
            format!("Bicep cannot read `{snippet}` here")
        },
    }
}

/// Checks that `text` is Bicep (the source stage's parse).
pub fn check(text: &str) -> Result<(), SyntaxError> {
    parse(text).map(|_| ())
}

/// A `.bicepparam`'s `param x = …` is read as `var x = …` (the grammar's `param` wants a
/// type): the keyword is replaced by one of the same length, so spans stay those of the file.
pub const PARAM_AS_VAR: &str = "var  ";

/// A `.bicepparam`'s text with each `param` keyword read as `var`.
pub fn params_as_vars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_multiline = false;
    for line in text.split_inclusive('\n') {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        if !in_multiline
            && body.starts_with("param")
            && body[5..].starts_with(|c: char| c.is_whitespace())
        {
            out.push_str(&line[..indent]);
            out.push_str(PARAM_AS_VAR);
            out.push_str(&body[5..]);
        } else if !in_multiline && (is_using_none(body) || keyword(body, "extends")) {
            // Statements the grammar does not know, read as comments (the caller of
            // `params_as_vars` sees `extends` in the text it was given).
            out.push_str(&line[..indent]);
            out.push_str("//");
            out.push_str(&body[2..]);
        } else {
            out.push_str(line);
        }
        if line.matches("'''").count() % 2 == 1 {
            in_multiline = !in_multiline;
        }
    }
    out
}

/// `word` followed by white space at the start of `line`.
pub fn keyword(line: &str, word: &str) -> bool {
    line.strip_prefix(word)
        .is_some_and(|r| r.starts_with(|c: char| c.is_whitespace()))
}

/// `using none`: a parameters file that names no Bicep file.
fn is_using_none(line: &str) -> bool {
    keyword(line, "using")
        && line[5..]
            .trim_start()
            .strip_prefix("none")
            .is_some_and(|r| r.trim_start().is_empty() || r.trim_start().starts_with("//"))
}

#[cfg(test)]
mod tests {
    use super::params_as_vars;

    #[test]
    fn a_bicepparam_param_is_read_as_a_var_of_the_same_length() {
        let text =
            "using 'main.bicep'\n  param a = 'x'\nparam b = '''\nparam kept\n'''\nparameter c\n";
        let out = params_as_vars(text);
        assert_eq!(out.len(), text.len());
        let other = "using none\nextends 'base.bicepparam'\nparam a = 1\n";
        assert_eq!(
            params_as_vars(other),
            "//ing none\n//tends 'base.bicepparam'\nvar   a = 1\n"
        );
        assert!(super::check(&params_as_vars(other)).is_ok());
        assert_eq!(
            out,
            "using 'main.bicep'\n  var   a = 'x'\nvar   b = '''\nparam kept\n'''\nparameter c\n"
        );
    }
}
