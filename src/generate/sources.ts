// Artefact sources beyond rules and SLOs register here (side-effect imports).
import '../dashboards/source.ts';
export {};
