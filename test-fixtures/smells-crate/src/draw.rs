use crate::shape::Shape;

pub fn corners(shape: &Shape) -> u32 {
    match shape {
        Shape::Circle(..) => 0,
        Shape::Square(..) => 4,
        Shape::Triangle(..) => 3,
    }
}
