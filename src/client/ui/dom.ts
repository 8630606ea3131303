/** The element the markup must contain; a missing one is a bug in a component, so say which. */
export function part<T extends Element>(root: ParentNode, selector: string): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`markup lacks ${selector}`);
  return found;
}
