/**
 * Free text typed by people, cleaned once before it is stored. Unicode bidirectional controls
 * are removed from every field: they make text read differently from what it is (U+202E turns
 * "Helper‮txt.exe" into "Helperexe.txt") and nobody types them on purpose. One-line fields
 * such as names also refuse line breaks and other control characters, which would break every
 * list, table and export they appear in; multi-line fields keep tabs and line breaks only.
 */

/** Bidirectional embeddings, overrides, isolates and marks (U+202A–E, U+2066–9, U+200E/F, U+061C). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/** Line breaks: CR, LF and the Unicode line and paragraph separators. */
const LINE_BREAK = /[\r\n\u2028\u2029]/;

/** C0 and C1 control characters and DEL (tab, CR and LF included). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

/** Control characters other than tab, LF and CR. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const STRAY_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** The text without bidirectional controls. */
export function stripBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/** Why `text` cannot be a one-line field (a name), or null when it can. */
export function oneLineProblem(text: string): string | null {
  if (LINE_BREAK.test(text)) return 'must be on one line; remove the line breaks';
  if (CONTROL.test(text)) return 'must not contain control characters such as tabs; remove them';
  return null;
}

/** Why `text` cannot be a multi-line field (a purpose), or null when it can. */
export function multiLineProblem(text: string): string | null {
  return new RegExp(STRAY_CONTROLS.source).test(text) ? 'must not contain control characters; remove them' : null;
}

/**
 * Multi-line text such as a reason, cleaned rather than refused: bidirectional controls and
 * control characters other than tab and line breaks are dropped.
 */
export function cleanMultiline(text: string): string {
  return stripBidi(text).replace(STRAY_CONTROLS, '');
}
