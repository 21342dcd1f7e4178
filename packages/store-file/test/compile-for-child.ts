import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import ts from "typescript";

/*
 * Child processes run plain JavaScript, and a clean checkout has no build: transpile the
 * sources of core, this package and the worker into a temporary directory instead, rewriting
 * the workspace imports to relative ones. Only typescript is needed, which the workspace has.
 */

const packagesDirectory = join(__dirname, "..", "..");

const sources: Array<{ from: string; to: string }> = [
  { from: join(packagesDirectory, "core", "src"), to: "core" },
  { from: join(packagesDirectory, "store-file", "src"), to: "store-file" },
  { from: __dirname, to: "test" },
];

const workspaceImports: Record<string, string> = {
  "@stowage/core": "core/index.js",
  "@stowage/store-file": "store-file/index.js",
};

async function listTypeScript(directory: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await listTypeScript(path)));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) files.push(path);
  }
  return files;
}

/**
 * Transpiles the sources into `outputDirectory` (which must exist).
 *
 * @returns the path of the compiled worker script.
 */
export async function compileForChild(outputDirectory: string): Promise<string> {
  await writeFile(join(outputDirectory, "package.json"), '{ "type": "commonjs" }\n');
  for (const { from, to } of sources) {
    for (const file of await listTypeScript(from)) {
      const target = join(outputDirectory, to, relative(from, file)).replace(/\.ts$/, ".js");
      const { outputText } = ts.transpileModule(await readFile(file, "utf8"), {
        fileName: file,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      });
      const rewritten = outputText.replace(/require\("\.\.\/src\//g, 'require("../store-file/').replace(/require\("(@stowage\/[a-z-]+)"\)/g, (whole, name: string) => {
        const mapped = workspaceImports[name];
        if (mapped === undefined) return whole;
        let specifier = relative(dirname(target), join(outputDirectory, mapped));
        if (!specifier.startsWith(".")) specifier = `./${specifier}`;
        return `require(${JSON.stringify(specifier)})`;
      });
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, rewritten);
    }
  }
  return join(outputDirectory, "test", "worker.js");
}
