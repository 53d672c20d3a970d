use crate::shape::Shape;

pub fn area(shape: &Shape) -> f64 {
    match shape {
        Shape::Circle(r) => 3.14 * r * r,
        Shape::Square(side) => side * side,
        Shape::Triangle(base, height) => base * height / 2.0,
    }
}
