/**
 * The compliance report as one standalone, printable HTML page: French, no
 * script, no external resource (inline CSS only). Every text goes through
 * `escapeHtml`: organisation fields and rule purposes come from the
 * configuration.
 */
import { escapeHtml as h } from '../public/render.js';
import { layoutComplianceReport, type Block, type DocField, type DocSection } from './layout.js';
import type { ComplianceReport } from './model.js';

const STYLE = `
@page{size:A4;margin:18mm 15mm}
body{font-family:Helvetica,Arial,sans-serif;font-size:10.5pt;line-height:1.4;color:#111;max-width:60rem;margin:1.5rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .25rem}
h2{font-size:1.15rem;margin:1.75rem 0 .5rem;border-bottom:2px solid #111;break-after:avoid}
h3{font-size:1rem;margin:1rem 0 .25rem;break-after:avoid}
.subtitle{margin:0 0 1rem;color:#333}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #888;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#eee}
tr{break-inside:avoid}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}
dt{font-weight:bold}
dd{margin:0}
.meta dd{font-family:monospace;word-break:break-all}
.warning{background:#fff0e0;color:#7a3300}
p.warning,ul.warning{border-left:4px solid #b35900;padding:.4rem .75rem}
ul.warning{padding-left:1.75rem}
footer{margin-top:2rem;font-size:.9rem;color:#333;border-top:1px solid #888;padding-top:.5rem}
`;

function fields(items: readonly DocField[], className = ''): string {
  const rows = items.map((f) => `<dt>${h(f.label)}</dt><dd${f.missing ? ' class="warning"' : ''}>${h(f.value)}</dd>`).join('\n');
  return `<dl${className ? ` class="${className}"` : ''}>\n${rows}\n</dl>`;
}

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `<h3>${h(b.text)}</h3>`;
    case 'paragraph':
      return `<p${b.warning ? ' class="warning"' : ''}>${h(b.text)}</p>`;
    case 'fields':
      return fields(b.items);
    case 'list':
      return `<ul${b.warning ? ' class="warning"' : ''}>${b.items.map((i) => `<li>${h(i)}</li>`).join('\n')}</ul>`;
    case 'table': {
      const head = `<tr>${b.columns.map((c) => `<th scope="col">${h(c)}</th>`).join('')}</tr>`;
      const rows = b.rows.map((r) => `<tr${r.warning ? ' class="warning"' : ''}>${r.cells.map((c) => `<td>${h(c)}</td>`).join('')}</tr>`);
      return `<table>\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
    }
  }
}

function section(s: DocSection): string {
  return `<section id="${h(s.id)}">\n<h2>${h(s.title)}</h2>\n${s.blocks.map(block).join('\n')}\n</section>`;
}

/** The whole page, `<!doctype html>` to `</html>`. */
export function renderComplianceHtml(report: ComplianceReport): string {
  const doc = layoutComplianceReport(report);
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(doc.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${h(doc.title)}</h1>
<p class="subtitle">${h(doc.subtitle)}</p>
${fields(doc.meta, 'meta')}
</header>
<main>
${doc.sections.map(section).join('\n')}
</main>
<footer>${h(doc.footer)}</footer>
</body>
</html>
`;
}
