use std::collections::VecDeque;

pub fn precedence(op: char) -> u8 {
    match op {
        '*' | '/' => 2,
        '+' | '-' => 1,
        _ => 0,
    }
}

pub fn to_postfix(tokens: &[String]) -> VecDeque<String> {
    let mut output = VecDeque::new();
    let mut stack: Vec<String> = Vec::new();
    for token in tokens {
        match token.as_str() {
            "(" => stack.push(token.clone()),
            ")" => {
                while let Some(top) = stack.pop() {
                    if top == "(" {
                        break;
                    }
                    output.push_back(top);
                }
            }
            op if op.len() == 1 && precedence(op.chars().next().unwrap()) > 0 => {
                let current = precedence(op.chars().next().unwrap());
                while let Some(top) = stack.last() {
                    let top_prec = precedence(top.chars().next().unwrap_or(' '));
                    if top_prec < current {
                        break;
                    }
                    output.push_back(stack.pop().unwrap());
                }
                stack.push(token.clone());
            }
            _ => output.push_back(token.clone()),
        }
    }
    while let Some(top) = stack.pop() {
        output.push_back(top);
    }
    output
}

// Splits an arithmetic expression into number and operator tokens.
pub fn tokenize(expr: &str) -> Vec<String>
{
    let mut tokens = Vec::new();
    let mut number = String::new();

    for ch in expr.chars() {
        // Digits and the decimal point accumulate into the current number.
        if ch.is_ascii_digit() || ch == '.' { number.push(ch); continue; }
        if !number.is_empty() {
            tokens.push(std::mem::take(&mut number));
        }
        if "+-*/()".contains(ch) { tokens.push(ch.to_string()); }
    }

    if !number.is_empty() { tokens.push(number); }
    tokens
}

pub fn to_celsius_table(readings: &[f32], offset: f32) -> Vec<(f32, f32)> {
    let mut table = Vec::new();
    for &fahrenheit in readings {
        let adjusted = fahrenheit + offset;
        let celsius = (adjusted - 32.0) * 5.0 / 9.0;
        if celsius < -273.15 {
            continue;
        }
        let rounded = (celsius * 10.0).round() / 10.0;
        table.push((fahrenheit, rounded));
    }
    table
}
