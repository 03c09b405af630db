import type { ProjectModel } from '../model/project.js';
export interface CodeModel { flows: unknown[] }
export function buildCodeModel(_m: ProjectModel): CodeModel { return { flows: [] }; }
