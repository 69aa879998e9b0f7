/**
 * Which version 1 answers have no version 2 equivalent (triage.md §6, §12). A v1 assessment
 * with any of them cannot be re-read under v2 and needs a re-triage.
 */
import type { Answers } from './types';

/** The v1 answers that cannot be mapped to v2, each as a short phrase; empty when all map. */
export function unmappableV1Answers(answers: Answers): string[] {
  const out: string[] = [];
  const caps = Array.isArray(answers['ai_capabilities']) ? answers['ai_capabilities'] : [];
  const practices = Array.isArray(answers['prohibited_practices']) ? answers['prohibited_practices'] : [];
  if (answers['model_origin'] === 'vendor_customized') out.push('model_origin = vendor_customized');
  if (caps.includes('emotion_recognition')) out.push('ai_capabilities = emotion_recognition');
  if (answers['synthetic_media'] === 'published') out.push('synthetic_media = published');
  if (Object.hasOwn(answers, 'public_service_provider')) out.push('public_service_provider');
  if (practices.includes('emotion_recognition_work_or_school')) out.push('prohibited_practices = emotion_recognition_work_or_school');
  return out;
}
