/**
 * Text in XML and HTML: attribute values and element text escaped, and the characters XML 1.0 cannot
 * hold (control characters, lone surrogates) dropped, so a hostile model or property name cannot break a
 * report or inject markup into it.
 *
 * @module
 */

/** Escapes text for an XML or HTML attribute or element. */
export function escapeXml(text: string): string {
  return text
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** ` name="value"` for each pair, escaped. */
export function attributes(pairs: Readonly<Record<string, string | number>>): string {
  return Object.entries(pairs).map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`).join("");
}
