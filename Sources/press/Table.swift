import Foundation
import PressKit

/// Rows of text printed as an aligned table on a terminal, or as tab-separated lines when piped.
struct Table {
    var header: [String]
    var rows: [[String]]

    /// Each cell is one line, whatever its text holds (`TerminalText`).
    func render(_ style: TerminalStyle, maxWidths: [Int: Int] = [:]) -> String {
        let rows = rows.map { $0.map { TerminalText.visible($0) } }
        guard style.isTerminal else {
            return rows.map { $0.joined(separator: "\t") + "\n" }.joined()
        }
        let cells = ([header] + rows).map { row in
            row.enumerated().map { column, cell in Table.truncate(cell, to: maxWidths[column]) }
        }
        var widths = [Int](repeating: 0, count: header.count)
        for row in cells {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], DisplayWidth.of(cell))
            }
        }
        return cells.enumerated().map { index, row in
            let line = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : DisplayWidth.pad(cell, to: widths[column])
            }.joined(separator: "  ")
            return (index == 0 ? style.paint(line, .bold) : line) + "\n"
        }.joined()
    }

    private static func truncate(_ text: String, to width: Int?) -> String {
        guard let width else { return text }
        return DisplayWidth.truncate(text, to: width)
    }
}
