use crate::shape::Shape;

pub fn label(shape: &Shape) -> String {
    match shape {
        Shape::Circle(_) => "circle".to_string(),
        Shape::Square(_) | Shape::Triangle(..) => "polygon".to_string(),
    }
}

/// Matching an enum of the standard library is not this crate's to change.
pub fn describe(value: Option<u32>) -> u32 {
    match value {
        Option::Some(v) => v,
        Option::None => 0,
    }
}
