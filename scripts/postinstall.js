#!/usr/bin/env node
/**
 * npm postinstall: registers the project-local Jupyter kernelspec for tslab.
 *
 * Writes <root>/.jupyter/share/jupyter/kernels/bnlab-tslab/kernel.json pointing at this project's
 * kernel launcher (scripts/launcher/launch.cjs, which starts node_modules/tslab). Plain Node with builtins only (tsx may not be installed yet), and it
 * never fails the install: problems are printed as warnings.
 *
 * The kernelspec itself is scripts/launcher/kernelspec.cjs, as for src/course/jupyter/kernelspec.ts.
 */
"use strict";
const fs = require("fs");
const path = require("path");

const { KERNEL_NAME, KERNEL_DISPLAY_NAME, KERNEL_LANGUAGE, launcherKernelspec } = require("./launcher/kernelspec.cjs");

function kernelspec(root) {
  return launcherKernelspec({ launcher: path.join(root, "scripts", "launcher", "launch.cjs") });
}

function install(root) {
  const dir = path.join(root, ".jupyter", "share", "jupyter", "kernels", KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "kernel.json"), JSON.stringify(kernelspec(root), null, 2) + "\n");
  return dir;
}

function main() {
  const root = path.resolve(__dirname, "..");
  try {
    const dir = install(root);
    if (!fs.existsSync(path.join(root, "node_modules", "tslab", "bin", "tslab"))) {
      console.warn(`bnlab: warning: node_modules/tslab is missing; the kernelspec in ${dir} will not start until it is installed`);
    }
    console.log(`bnlab: Jupyter kernel "${KERNEL_NAME}" registered in ${dir}`);
    console.log("bnlab: run `npm start` to open the course in Jupyter");
  } catch (err) {
    console.warn(`bnlab: warning: could not register the Jupyter kernel: ${err && err.message ? err.message : err}`);
    console.warn("bnlab: `npm start` will try again");
  }
}

module.exports = { KERNEL_NAME, KERNEL_DISPLAY_NAME, KERNEL_LANGUAGE, kernelspec, install };

if (require.main === module) main();
