/**
 * HTML escaping for every piece of paper text that reaches a page, a snippet
 * or a mail: titles and abstracts contain `<`, `&` and LaTeX, and some are hostile.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string | null | undefined): string {
  return (text ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
