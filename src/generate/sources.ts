// Artefact sources beyond rules and SLOs register here (side-effect imports).
// e.g. import '../dashboards/source.ts';
export {};
