//! Tokens of the SQL text, each with its position.

use crate::error::{Pos, SqlError};
use alloc::string::String;
use alloc::vec::Vec;

/// One token.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// A name; `quoted` names keep their case and may be keywords.
    Ident {
        name: String,
        quoted: bool,
    },
    /// `'text'` with `''` unescaped.
    Str(String),
    /// Digits only.
    Int(i64),
    /// Digits with a point or an exponent.
    Float(f64),
    /// Punctuation and operators: `( ) , ; . * + - / % = <> != < <= > >= || =>`.
    Sym(&'static str),
    Eof,
}

/// The longest tokens first, so that `<=` wins over `<`.
const SYMBOLS: [&str; 19] =
    ["<>", "!=", "<=", ">=", "||", "=>", "(", ")", ",", ";", ".", "*", "+", "-", "/", "%", "=", "<", ">"];

/// Splits `text` into tokens; the last is always `Eof`.
pub(crate) fn tokenize(text: &str) -> Result<Vec<(Tok, Pos)>, SqlError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut column) = (0usize, 1u32, 1u32);
    // Advances over `n` characters, keeping line and column.
    let step = |i: &mut usize, line: &mut u32, column: &mut u32, n: usize| {
        for _ in 0..n {
            if chars.get(*i) == Some(&'\n') {
                *line = line.saturating_add(1);
                *column = 1;
            } else {
                *column = column.saturating_add(1);
            }
            *i += 1;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let pos = Pos { line, column };
        if c.is_whitespace() {
            step(&mut i, &mut line, &mut column, 1);
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                step(&mut i, &mut line, &mut column, 1);
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            step(&mut i, &mut line, &mut column, 2);
            loop {
                if i >= chars.len() {
                    return Err(SqlError::new(pos, "expected `*/` to close this comment, found the end of the text"));
                }
                if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    step(&mut i, &mut line, &mut column, 2);
                    break;
                }
                step(&mut i, &mut line, &mut column, 1);
            }
        } else if c == '\'' || c == '"' {
            let mut value = String::new();
            step(&mut i, &mut line, &mut column, 1);
            loop {
                match chars.get(i) {
                    None => {
                        let what = if c == '\'' { "string" } else { "quoted name" };
                        return Err(SqlError::new(
                            pos,
                            alloc::format!("expected {c} to close this {what}, found the end of the text"),
                        ));
                    }
                    Some(&d) if d == c && chars.get(i + 1) == Some(&c) => {
                        value.push(c);
                        step(&mut i, &mut line, &mut column, 2);
                    }
                    Some(&d) if d == c => {
                        step(&mut i, &mut line, &mut column, 1);
                        break;
                    }
                    Some(&d) => {
                        value.push(d);
                        step(&mut i, &mut line, &mut column, 1);
                    }
                }
            }
            if c == '\'' {
                out.push((Tok::Str(value), pos));
            } else {
                if value.is_empty() {
                    return Err(SqlError::new(pos, "expected a name between the double quotes"));
                }
                out.push((Tok::Ident { name: value, quoted: true }, pos));
            }
        } else if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            let mut float = false;
            while i < chars.len() {
                let d = chars[i];
                let exponent_sign = (d == '+' || d == '-') && i > start && matches!(chars[i - 1], 'e' | 'E') && float;
                if d.is_ascii_digit() || exponent_sign {
                } else if (d == '.' && !float)
                    || ((d == 'e' || d == 'E')
                        && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit() || *n == '-' || *n == '+'))
                {
                    float = true;
                } else {
                    break;
                }
                step(&mut i, &mut line, &mut column, 1);
            }
            let raw: String = chars[start..i].iter().collect();
            let tok = if float {
                raw.parse::<f64>()
                    .map(Tok::Float)
                    .map_err(|_| SqlError::new(pos, alloc::format!("expected a number, found `{raw}`")))?
            } else {
                raw.parse::<i64>().map(Tok::Int).map_err(|_| {
                    SqlError::new(pos, alloc::format!("expected a whole number within 64 bits, found `{raw}`"))
                })?
            };
            out.push((tok, pos));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$') {
                step(&mut i, &mut line, &mut column, 1);
            }
            out.push((Tok::Ident { name: chars[start..i].iter().collect(), quoted: false }, pos));
        } else {
            let symbol = SYMBOLS.iter().find(|s| {
                let mut it = s.chars();
                let first = it.next();
                let second = it.next();
                first == Some(c) && second.is_none_or(|d| chars.get(i + 1) == Some(&d))
            });
            match symbol {
                Some(s) => {
                    step(&mut i, &mut line, &mut column, s.len());
                    out.push((Tok::Sym(s), pos));
                }
                None => return Err(SqlError::new(pos, alloc::format!("unexpected character `{c}`"))),
            }
        }
    }
    out.push((Tok::Eof, Pos { line, column }));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let toks = tokenize("SELECT\n  \"a b\", 'it''s' -- note\n <= 1.5e2").unwrap();
        let got: Vec<(Tok, u32, u32)> = toks.into_iter().map(|(t, p)| (t, p.line, p.column)).collect();
        assert_eq!(
            got,
            [
                (Tok::Ident { name: "SELECT".into(), quoted: false }, 1, 1),
                (Tok::Ident { name: "a b".into(), quoted: true }, 2, 3),
                (Tok::Sym(","), 2, 8),
                (Tok::Str("it's".into()), 2, 10),
                (Tok::Sym("<="), 3, 2),
                (Tok::Float(150.0), 3, 5),
                (Tok::Eof, 3, 10),
            ]
        );
    }

    #[test]
    fn an_open_string_says_what_closes_it() {
        let err = tokenize("x = 'abc").unwrap_err();
        assert_eq!((err.pos.line, err.pos.column), (1, 5));
        assert!(err.message.starts_with("expected ' to close this string"), "{}", err.message);
    }
}
