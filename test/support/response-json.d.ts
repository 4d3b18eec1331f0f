// Tests read JSON answers and assert on their shape with expect(); typing every answer up front
// would only restate the assertions. Test code only (src/ does not read fetch answers this way).
export {};
declare global {
  interface Response {
    json(): Promise<any>;
  }
}
