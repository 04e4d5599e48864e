//! The PDF interpreter's matrices and layout, and damaged input.

use super::*;

#[test]
fn matrices_compose_in_pdf_order() {
    let scale = Matrix([2.0, 0.0, 0.0, 2.0, 0.0, 0.0]);
    let moved = Matrix::translate(10.0, 5.0).then(&scale);
    assert_eq!(moved.origin(), (20.0, 10.0));
    assert_eq!(moved.scale(), 2.0);
}

fn piece(x: f64, y: f64, text: &str) -> Piece {
    Piece::Text {
        x,
        y,
        end_x: x + text.chars().count() as f64 * 5.0,
        size: 10.0,
        text: text.to_owned(),
    }
}

#[test]
fn lines_paragraphs_spaces_and_hyphenated_words() {
    let pieces = [
        piece(50.0, 800.0, "Заголовок"),
        piece(50.0, 776.0, "Первая строка естественно-"),
        piece(50.0, 764.0, "научной"),
        piece(92.0, 764.0, "направленности"),
        piece(50.0, 752.0, "и третья"),
        Piece::PageEnd,
        piece(50.0, 800.0, "Вторая страница"),
    ];
    assert_eq!(
        lay_out(&pieces),
        "Заголовок\n\nПервая строка естественно-научной направленности\nи третья\n\nВторая страница"
    );
}

#[test]
fn garbage_is_corrupt() {
    assert!(matches!(
        extract(b"%PDF-1.4\nthis is not a pdf"),
        Err(ExtractError::Corrupt { .. })
    ));
}
