package io.turnkit.cli;

import java.io.PrintWriter;
import java.util.List;

/** Prints rows as columns aligned on the widest cell, two spaces apart, without trailing blanks. */
final class Table {
    private static final String GAP = "  ";

    private Table() {
    }

    static void print(List<List<String>> rows, PrintWriter out) {
        int columns = rows.get(0).size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(row.get(i));
                if (i < columns - 1) {
                    line.append(" ".repeat(widths[i] - row.get(i).length())).append(GAP);
                }
            }
            out.println(line);
        }
    }
}
