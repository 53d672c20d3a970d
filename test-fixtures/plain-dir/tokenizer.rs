#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Number(f64),
    Operator(char),
    Open,
    Close,
}

pub fn tokenize(expr: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut number = String::new();
    for ch in expr.chars() {
        if ch.is_ascii_digit() || ch == '.' {
            number.push(ch);
            continue;
        }
        if !number.is_empty() {
            tokens.push(std::mem::take(&mut number));
        }
        if "+-*/()".contains(ch) {
            tokens.push(ch.to_string());
        }
    }
    if !number.is_empty() {
        tokens.push(number);
    }
    tokens
}

pub fn classify(raw: &str) -> Option<Token> {
    match raw {
        "(" => Some(Token::Open),
        ")" => Some(Token::Close),
        "+" | "-" | "*" | "/" => raw.chars().next().map(Token::Operator),
        _ => raw.parse().ok().map(Token::Number),
    }
}
