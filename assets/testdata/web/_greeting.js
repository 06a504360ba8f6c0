// A module app.js imports: its name starts with _, so it is no entry.
export function greeting(name) {
  return "Hello from " + name;
}
