import { deflateSync } from 'node:zlib';

/**
 * A minimal, valid PDF with one text line per entry (Helvetica, one page per
 * inner array), built by hand so the tests need no PDF writer dependency.
 * An empty page list gives a PDF with a page and no text layer (a "scan").
 */
export function makePdf(pages: string[][]): Buffer {
  const escape = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const pageList = pages.length ? pages : [[]];
  const objects: string[] = [];
  const add = (body: string) => objects.push(body) - 1 + 1;
  const catalog = add('');
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const kids: number[] = [];
  for (const lines of pageList) {
    let y = 760;
    const ops: string[] = [];
    for (const line of lines) {
      // An empty string is a blank line: a wider gap, i.e. a paragraph break.
      if (line !== '') ops.push(`BT /F1 11 Tf 60 ${y} Td (${escape(line)}) Tj ET`);
      y -= 14;
    }
    const stream = ops.join('\n');
    const content = add(`<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`);
    kids.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`));
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/**
 * A "stream bomb": one page whose content stream is small compressed and
 * `inflatedMB` megabytes inflated, every line of it drawing text. pdf.js
 * inflates and interprets all of it, which is what cost the bot minutes of
 * CPU and gigabytes of memory.
 */
export function makeStreamBombPdf(inflatedMB: number): Buffer {
  const line = `BT /F1 11 Tf 60 700 Td (${'All work and no play makes a dull analyst '.repeat(4)}) Tj ET\n`;
  const stream = deflateSync(Buffer.from(line.repeat(Math.ceil((inflatedMB * 2 ** 20) / line.length)), 'latin1'), { level: 9 });
  const head = (objects: string[]) => objects.map((body, i) => `${i + 1} 0 obj\n${body}\nendobj\n`);
  const parts = head([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>',
  ]);
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n', 'latin1')];
  const offsets: number[] = [];
  let size = chunks[0]!.length;
  const push = (b: Buffer) => {
    chunks.push(b);
    size += b.length;
  };
  for (const p of parts) {
    offsets.push(size);
    push(Buffer.from(p, 'latin1'));
  }
  offsets.push(size);
  push(Buffer.from(`5 0 obj\n<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'));
  push(stream);
  push(Buffer.from('\nendstream\nendobj\n', 'latin1'));
  const xref = size;
  let tail = `xref\n0 6\n0000000000 65535 f \n`;
  for (const o of offsets) tail += `${String(o).padStart(10, '0')} 00000 n \n`;
  tail += `trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  push(Buffer.from(tail, 'latin1'));
  return Buffer.concat(chunks);
}
