/**
 * The public information page as plain server-rendered HTML: French, no
 * script, minimal inline CSS. Every string that comes from the configuration
 * goes through `escapeHtml`.
 */
import type { PublicCamera, PublicPageModel, PublicUse } from './model.js';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** `Content-Security-Policy` of the page: nothing loads, only the inline style applies. */
export const PUBLIC_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:#1a1a1a;background:#fff;margin:0}
main,header,footer{max-width:48rem;margin:0 auto;padding:0 1rem}
header{padding-top:1.5rem}
h1{font-size:1.6rem;margin:0 0 .5rem}
h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #1a1a1a}
h3{font-size:1.1rem;margin:1.25rem 0 .25rem}
.note{background:#fff4e5;border-left:4px solid #b35900;padding:.5rem .75rem}
.camera{border:1px solid #767676;border-radius:4px;padding:.25rem 1rem .75rem;margin:1rem 0}
.tag{font-size:.9rem;color:#444}
dt{font-weight:600}
dd{margin:0 0 .5rem 0}
a{color:#0b4f9c}
footer{margin-top:2rem;padding-bottom:2rem;color:#444;font-size:.9rem}
`;

const h = escapeHtml;

function list(items: readonly string[], attrs = ''): string {
  return `<ul${attrs}>${items.map((i) => `<li>${h(i)}</li>`).join('')}</ul>`;
}

function useItem(use: PublicUse): string {
  const notes: string[] = [];
  if (use.kind === 'statistics') notes.push('comptages agrégés, jamais d’alerte');
  if (use.evaluation) notes.push('en évaluation, sans alerte');
  if (use.schedule.length > 0) notes.push(`uniquement ${use.schedule.join(' ; ')}`);
  const tail = notes.length > 0 ? ` <span class="tag">(${h(notes.join(' — '))})</span>` : '';
  const purpose = use.purpose ? `<br>Finalité : ${h(use.purpose)}` : '';
  const basis = `<br><span data-testid="public-use-basis">Base légale : ${h(use.legalBasisText)}</span>`;
  return `<li data-testid="public-use" data-kind="${h(use.kind)}" data-basis="${h(use.legalBasis)}">${h(use.label)}${tail}${purpose}${basis}</li>`;
}

function cameraSection(camera: PublicCamera): string {
  const recording = camera.recorded
    ? `Oui : les images sont enregistrées et conservées ${h(camera.retention)}, puis effacées automatiquement (sauf réquisition judiciaire).`
    : 'Non : pas d’enregistrement continu des images.';
  const snapshots = `Les images des événements détectés sont conservées ${h(camera.retention)} au plus (sauf réquisition judiciaire).`;
  const masks = camera.privacyMasks > 0
    ? `<dt>Zones privées masquées</dt><dd>Oui : ${camera.privacyMasks} zone${camera.privacyMasks > 1 ? 's' : ''} (fenêtres, jardins…) masquée${camera.privacyMasks > 1 ? 's' : ''} avant toute analyse.</dd>`
    : '';
  return `<section class="camera" data-testid="public-camera" aria-labelledby="cam-${h(slug(camera.name))}">
<h3 id="cam-${h(slug(camera.name))}">${h(camera.name)}</h3>
<dl>
<dt>Événements recherchés</dt><dd><ul>${camera.uses.map(useItem).join('')}</ul></dd>
<dt>Enregistrement vidéo</dt><dd>${recording} ${snapshots}</dd>
${masks}</dl>
</section>`;
}

/** An id-safe fragment of a camera name (escaped again where used). */
function slug(name: string): string {
  let hash = 0;
  for (const c of name) hash = (hash * 31 + (c.codePointAt(0) ?? 0)) >>> 0;
  return `${name.normalize('NFD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'camera'}-${hash.toString(36)}`;
}

/** The whole page, `<!doctype html>` to `</html>`. */
export function renderPublicPage(model: PublicPageModel): string {
  const controller = model.controller.address
    ? `${h(model.controller.name)}<br>${h(model.controller.address)}`
    : h(model.controller.name);
  const cameras = model.cameras.length > 0
    ? model.cameras.map(cameraSection).join('\n')
    : '<p data-testid="public-no-camera">Aucune caméra ne fait actuellement l’objet d’une analyse automatique.</p>';
  const incomplete = model.incomplete
    ? '<p class="note" role="note">Certaines informations de cette page restent à compléter par le responsable du traitement.</p>'
    : '';
  const purposesNote = model.purposesDeclared ? '' : '<p class="tag">Finalités par défaut, déduites des analyses en service : à compléter par le responsable du traitement.</p>';
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Analyse automatique des images de vidéoprotection — ${h(model.controller.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Analyse automatique des images de vidéoprotection</h1>
<p>Cette page informe le public des caméras dont les images sont analysées automatiquement, de ce qui y est recherché, de la durée de conservation des images et de vos droits.</p>
${incomplete}
</header>
<main>
<section aria-labelledby="responsable">
<h2 id="responsable">Responsable du traitement</h2>
<dl>
<dt>Responsable</dt><dd data-testid="public-controller">${controller}</dd>
<dt>Délégué à la protection des données (DPO)</dt><dd data-testid="public-dpo">${h(model.dpoContact)}</dd>
</dl>
</section>
<section aria-labelledby="finalites">
<h2 id="finalites">Finalités</h2>
${list(model.purposes, ' data-testid="public-purposes"')}
${purposesNote}
</section>
<section aria-labelledby="cameras">
<h2 id="cameras">Caméras analysées et événements recherchés</h2>
<p>Seules les caméras ci-dessous font l’objet d’une analyse automatique. Un événement détecté est signalé à un opérateur, qui décide de la suite ; le système ne prend aucune décision à l’égard des personnes.</p>
${cameras}
</section>
<section aria-labelledby="garanties">
<h2 id="garanties">Ce que le système ne fait pas</h2>
${list(model.guarantees, ' data-testid="public-guarantees"')}
</section>
<section aria-labelledby="droits">
<h2 id="droits">Vos droits</h2>
${list(model.rights, ' data-testid="public-rights"')}
<p><a href="${h(model.cnil.url)}" rel="noopener noreferrer">${h(model.cnil.name)} : ${h(model.cnil.url.replace(/^https:\/\/(www\.)?/, ''))}</a></p>
</section>
</main>
<footer>
<p data-testid="public-config-date">Page générée à partir de la configuration en vigueur${model.configuration.version !== null ? ` (version ${model.configuration.version})` : ''} : ${h(model.configuration.updatedAtText)}.</p>
</footer>
</body>
</html>
`;
}
