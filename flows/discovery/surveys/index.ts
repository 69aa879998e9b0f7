/** Survey campaigns, the AI policy acknowledgement and literacy records (spec/aims.md). */
export { parseAudienceEntry, reachable, resolveAudience, SLACKBOT } from './audience';
export type { AudienceDirectory, AudienceEntry, AudienceMember, ResolvedAudience } from './audience';
export { askPayload, enrollAudience, recipientIds, registerValue, startCampaign, surveyAwaits, surveyById, surveyChoices } from './campaign';
export type { EnrollResult, StartOptions, SurveyAskPayload, SurveyChoice, SurveyRow } from './campaign';
export { nextSurveyRef, parseSurveyRef, quarterRef, SURVEY_KINDS } from './refs';
export type { SurveyKind } from './refs';
export { latestSlot, runAiUseSurvey, runPolicyAck, runSurveyReminders } from './jobs';
export { answerSurvey, parseAnswer, ANSWER_MAX_TOOLS } from './answer';
export type { AnswerInput, SurveyAnswered, UnregisteredTool } from './answer';
export { acknowledgePolicy, attestLiteracy, policyView, startSurveyCommand } from './policy-ack';
export type { Acknowledged, Attested, PolicyView, SurveyStarted } from './policy-ack';
export { literacyExport, literacyExportFile, literacyRows, surveyDigest, surveyDigestLines, LITERACY_COLUMNS } from './report';
export type { LiteracyRow, SurveyDigest } from './report';
export { knownPeopleDirectory } from './known-people';
