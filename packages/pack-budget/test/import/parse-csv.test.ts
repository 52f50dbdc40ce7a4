import { describe, expect, it } from "vitest";
import { CsvReader, parseCsv } from "../../src/import/parse-csv.js";
import { ImportLineError } from "../../src/import/statement-line.js";

describe("parseCsv", () => {
  it("should keep commas, doubled quotes and line breaks inside quoted fields, and number lines", () => {
    const rows = parseCsv('a,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\n3,4,5');
    expect(rows).toEqual([
      { line: 1, cells: ["a", "b", "c"] },
      { line: 2, cells: ["x, y", 'say "hi"', "two\nlines"] },
      { line: 4, cells: ["3", "4", "5"] },
    ]);
  });

  it("should drop a BOM, accept LF, CR and CRLF, and skip blank lines", () => {
    expect(parseCsv("\ufeffh1,h2\n1,2\r\r\n3,4\r5,6\n")).toEqual([
      { line: 1, cells: ["h1", "h2"] },
      { line: 2, cells: ["1", "2"] },
      { line: 4, cells: ["3", "4"] },
      { line: 5, cells: ["5", "6"] },
    ]);
  });

  it("should split on another delimiter and keep empty cells", () => {
    expect(parseCsv("a;;c\n;x;", ";")).toEqual([
      { line: 1, cells: ["a", "", "c"] },
      { line: 2, cells: ["", "x", ""] },
    ]);
  });

  it("should refuse an unclosed quote naming the line it opened on", () => {
    const err = (() => {
      try {
        parseCsv('a,b\n1,"open\n2,3\n');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ImportLineError);
    expect(err).toMatchObject({ line: 2, field: "content" });
    expect(() => parseCsv('a,"b"x\n')).toThrow("Line 1: 'content' has text after a closing quote");
    expect(() => parseCsv('a,b"c\n')).toThrow("quote inside an unquoted field");
  });
});

describe("CsvReader", () => {
  const text =
    '\ufeffDate,Payee,Amount\r\n2026-01-02,"Say ""hi""",-4.50\r\n"two\r\nlines",x,""\r\r\n3,"a,b",""""\n';
  const inPieces = (pieces: string[]) => {
    const r = new CsvReader();
    return [...pieces.flatMap((p) => r.push(p)), ...r.end()];
  };

  it("should read the same records and lines however the text is cut into pieces", () => {
    const whole = parseCsv(text);
    expect(whole.map((r) => r.line)).toEqual([1, 2, 3, 6]);
    for (let cut = 0; cut <= text.length; cut++)
      expect(inPieces([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual(whole);
    expect(inPieces([...text])).toEqual(whole);
  });

  it("should name the line of an unclosed quote only at the end of the text", () => {
    const r = new CsvReader();
    expect(r.push('a,b\n1,"open\n')).toEqual([{ line: 1, cells: ["a", "b"] }]);
    expect(r.push("2,3\n")).toEqual([]);
    expect(() => r.end()).toThrow("Line 2: 'content' has a quoted field that is never closed");
  });
});
