// The runner of an exported script: filled in by the next commit.
console.error("This export's runner is not built yet.");
process.exit(2);
