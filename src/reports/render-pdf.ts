/**
 * HTML to A4 PDF through the system's Chromium (Debian's `chromium`, driven
 * by playwright-core): the printed report is exactly the HTML one, charts
 * included. The only module of the report that starts a process.
 */
import { existsSync } from 'node:fs';
import type * as Playwright from 'playwright-core';

/** Where Debian and Ubuntu put Chromium; `VIGIE_CHROMIUM` overrides. */
export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'] as const;

/** The flags that work in containers and on servers without a display or a user namespace. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** No Chromium to print with: the message says what to install. */
export class ChromiumMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChromiumMissingError';
  }
}

/** The Chromium executable: `VIGIE_CHROMIUM` when set (it must exist), else the first of CHROMIUM_PATHS found. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): string {
  const chosen = env.VIGIE_CHROMIUM;
  if (chosen !== undefined && chosen !== '') {
    if (!exists(chosen)) throw new ChromiumMissingError(`VIGIE_CHROMIUM=${chosen} does not exist: point it at a Chromium executable, or unset it`);
    return chosen;
  }
  const found = CHROMIUM_PATHS.find((p) => exists(p));
  if (found === undefined) {
    throw new ChromiumMissingError(`a PDF needs Chromium, not found at ${CHROMIUM_PATHS.join(' or ')}: install it (apt-get install -y chromium) or set VIGIE_CHROMIUM`);
  }
  return found;
}

export interface PdfOptions {
  /** Printed at the foot of every page, before "page n / total". */
  readonly footer: string;
  /** Chromium to use (default: findChromium()). */
  readonly executablePath?: string;
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** playwright-core, loaded only to print: a server installed without it still serves HTML and CSV. */
async function playwright(): Promise<typeof Playwright> {
  try {
    return await import('playwright-core');
  } catch {
    throw new ChromiumMissingError('a PDF needs the npm package playwright-core, not installed: run npm ci in the Vigie folder');
  }
}

/** Prints a self-contained HTML page (no network is needed) to an A4 PDF with page numbers. */
export async function htmlToPdf(html: string, options: PdfOptions): Promise<Buffer> {
  const executablePath = options.executablePath ?? findChromium();
  const { chromium } = await playwright();
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      // Chromium's header and footer templates have no style of their own: a font size is needed to see them.
      headerTemplate: '<span></span>',
      footerTemplate: `<div style="font-size:8px;width:100%;text-align:center;color:#444">${escape(options.footer)} — page <span class="pageNumber"></span> / <span class="totalPages"></span></div>`,
      margin: { top: '16mm', bottom: '18mm', left: '14mm', right: '14mm' },
    });
  } finally {
    await browser.close();
  }
}
