/*
 * The few DOM helpers the page needs: build an element with attributes and children in one call.
 * `text` sets textContent (never innerHTML: nothing the server sends is parsed as markup).
 */

export type AttributeValue = string | number | boolean | null | undefined;
export type Attributes = Record<string, AttributeValue>;
export type Child = Node | null | undefined | false;

const SVG_NS = 'http://www.w3.org/2000/svg';

function applyAttributes(node: Element, attributes: Attributes): void {
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'text') node.textContent = value === null || value === undefined ? '' : String(value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? '' : String(value));
  }
}

function append(node: Element, children: readonly Child[]): void {
  for (const child of children) if (child) node.appendChild(child);
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, children: readonly Child[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  applyAttributes(node, attributes);
  append(node, children);
  return node;
}

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Attributes = {}, children: readonly Child[] = []): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  applyAttributes(node, attributes);
  append(node, children);
  return node;
}

export function text(value: string): Text {
  return document.createTextNode(value);
}

/** The element with that id, of the expected kind; a missing one is a bug in page.ts, said plainly. */
export function byId<T extends HTMLElement = HTMLElement>(id: string, kind?: new () => T): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`dashboard page: no element #${id}`);
  if (kind && !(node instanceof kind)) throw new Error(`dashboard page: #${id} is not a ${kind.name}`);
  return node as T;
}
