/**
 * A small RFC 4180 reader for the export tests, written apart from the exporter so a bug in
 * one cannot hide in the other: quoted fields with doubled quotes, commas and line breaks
 * inside quotes, CRLF record ends.
 */

/** Parses CSV text into records of fields. A final CRLF does not start an empty record. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let index = 0;
  let isQuoted = false;

  while (index < text.length) {
    const character = text[index] as string;
    if (isQuoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index += 2;
      } else if (character === '"') {
        isQuoted = false;
        index += 1;
      } else {
        field += character;
        index += 1;
      }
      continue;
    }

    if (character === '"' && field === "") {
      isQuoted = true;
      index += 1;
    } else if (character === ",") {
      record.push(field);
      field = "";
      index += 1;
    } else if (character === "\r" && text[index + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      index += 2;
    } else if (character === '"' || character === "\r" || character === "\n") {
      throw new Error(`Invalid CSV at offset ${index}: unquoted ${JSON.stringify(character)}`);
    } else {
      field += character;
      index += 1;
    }
  }
  if (isQuoted) {
    throw new Error("Invalid CSV: a quoted field is not closed");
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
