import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * Issue 7, part 4 ("no biometrics, provably"), in the source: no code under src/
 * imports a face, re-identification or plate-reading library, names a face or
 * attribute model, or declares anything called a face, an embedding, a
 * descriptor, a re-identification, a gender or an emotion. The files are parsed
 * with the TypeScript compiler, so comments (which may explain what Vigie does
 * not do) are not read, while identifiers, imports and strings are.
 *
 * The model allow-list itself (only CenterNet may be opened, even though its
 * package ships face models) is tested in test/unit/detect-model-allow-list.test.ts.
 */

const ROOT = new URL('../../', import.meta.url).pathname;
const SRC = join(ROOT, 'src');

/** Modules whose purpose is faces, bodies as individuals, re-identification or plates. */
const FORBIDDEN_MODULE =
  /face|insightface|arcface|deepface|reid|re-id|deep-?sort|strong-?sort|osnet|mediapipe|body-?pix|pose-detection|posenet|movenet|alpr|anpr|plate|tesseract|opencv|^@vladmandic\/human$|^@tensorflow-models\//i;

/** Words that may not appear in any identifier (variables, functions, properties, types). */
const FORBIDDEN_IDENTIFIER_WORDS = new Set([
  'face', 'faces', 'facial', 'facemesh', 'blazeface', 'faceres', 'arcface', 'facenet', 'landmark', 'landmarks',
  'embedding', 'embeddings', 'descriptor', 'descriptors', 'reid', 'reidentify', 'reidentification', 'biometric',
  'biometrics', 'gender', 'emotion', 'emotions', 'ethnicity', 'clothing', 'clothes', 'gait', 'iris', 'anpr', 'alpr',
  'plate', 'plates',
]);

/** Model names (the face, attribute and re-identification models of common packages) that may not appear in any string. */
const FORBIDDEN_MODEL_NAME =
  /\b(blazeface|facemesh|faceres|face-?api|face[_-]?detect\w*|arcface|facenet|insightface|mobilefacenet|emotion|gender|age-?gender|antispoof|liveness|iris|osnet|reid|fast-?reid|embedding)\b/i;

/** The words of an identifier: `reidVector` -> reid, vector; `FACE_BOX` -> face, box. */
function words(identifier: string): string[] {
  return identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly what: string;
}

/** The module specifiers, identifiers and string literals of one file that break the rules above. */
function scanSource(file: string, text: string): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const findings: Finding[] = [];
  const at = (node: ts.Node, what: string): void => {
    findings.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, what });
  };
  const moduleSpecifier = (node: ts.Node): ts.StringLiteralLike | undefined => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteralLike(node.moduleSpecifier)) {
      return node.moduleSpecifier;
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression.getText(source);
      const first = node.arguments[0];
      if ((node.expression.kind === ts.SyntaxKind.ImportKeyword || /^(require|require\.resolve|import\.meta\.resolve)$/.test(callee)) && first && ts.isStringLiteralLike(first)) {
        return first;
      }
    }
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteralLike(node.argument.literal)) return node.argument.literal;
    return undefined;
  };
  const specifiers = new Set<ts.Node>();
  const visit = (node: ts.Node): void => {
    const specifier = moduleSpecifier(node);
    if (specifier) specifiers.add(specifier);
    if (specifier && FORBIDDEN_MODULE.test(specifier.text)) at(specifier, `imports "${specifier.text}"`);
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) {
      const bad = words(node.text).find((w) => FORBIDDEN_IDENTIFIER_WORDS.has(w));
      if (bad) at(node, `identifier "${node.text}" names "${bad}"`);
    }
    if (specifiers.has(node)) {
      // reported above as an import
    } else if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      const match = FORBIDDEN_MODEL_NAME.exec(node.text);
      if (match) at(node, `string names the model "${match[0]}"`);
      else if (ts.isStringLiteral(node) && ts.isPropertyAssignment(node.parent) && node.parent.name === node) {
        const bad = words(node.text).find((w) => FORBIDDEN_IDENTIFIER_WORDS.has(w));
        if (bad) at(node, `property "${node.text}" names "${bad}"`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

describe('no face, biometric or re-identification code in src/ (issue 7, part 4)', () => {
  const files = sourceFiles(SRC);

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.endsWith('centernet.ts'))).toBe(true);
  });

  it('imports no face, pose, re-identification or plate-reading module and names none of their models or fields', () => {
    const findings = files.flatMap((file) => scanSource(relative(ROOT, file), readFileSync(file, 'utf8')));
    expect(findings.map((f) => `${f.file}:${f.line}: ${f.what}`)).toEqual([]);
  });

  it('depends on no face, re-identification or plate-reading package', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const names = ['dependencies', 'optionalDependencies', 'peerDependencies'].flatMap((k) => Object.keys(manifest[k] ?? {}));
    // @vladmandic/human ships CenterNet next to face models; only CenterNet can be opened (detect-model-allow-list.test.ts),
    // and its JavaScript (the Human class, with its face pipelines) is never imported (checked above).
    expect(names.filter((n) => n !== '@vladmandic/human' && FORBIDDEN_MODULE.test(n))).toEqual([]);
  });

  // The scanner itself: each rule catches what it is there for, and comments are not read.
  it('catches a face library import, a re-identification identifier and a face model name, not a comment', () => {
    const sample = [
      "import * as faceapi from '@vladmandic/face-api';",
      "import { Human } from '@vladmandic/human';",
      "const mod = await import('torchreid');",
      'const reidVector = new Float32Array(512);',
      'interface Track { appearanceEmbedding: number[] }',
      "const model = 'faceres.json';",
      "const out = { 'face_box': [0, 0, 1, 1] };",
      '// Vigie never computes a face embedding or a gender.',
      "const fine = { zone: 'z1', person_left: true, maxAge: 30 };",
    ].join('\n');
    const found = scanSource('sample.ts', sample).map((f) => `${f.line}: ${f.what}`);
    expect(found).toEqual([
      '1: imports "@vladmandic/face-api"',
      '2: imports "@vladmandic/human"',
      '3: imports "torchreid"',
      '4: identifier "reidVector" names "reid"',
      '5: identifier "appearanceEmbedding" names "embedding"',
      '6: string names the model "faceres"',
      '7: property "face_box" names "face"',
    ]);
  });
});
