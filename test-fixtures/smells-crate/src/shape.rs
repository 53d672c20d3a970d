/// Matched variant by variant in `area`, `label` and `draw`: adding a variant means three edits.
pub enum Shape {
    Circle(f64),
    Square(f64),
    Triangle(f64, f64),
}

/// Not a repeated match: the catch-all arm absorbs new variants.
pub fn is_round(shape: &Shape) -> bool {
    match shape {
        Shape::Circle(_) => true,
        _ => false,
    }
}
