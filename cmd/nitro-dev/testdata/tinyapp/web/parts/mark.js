export function mark(s) {
  return "[" + s + "]";
}
