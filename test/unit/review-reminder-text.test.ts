/** A review reminder's sentence, said from its payload (rows no longer store it). */
import { describe, expect, it } from 'vitest';
import type { ReviewReminderPayload } from '../../flows';
import { reviewReminderText } from '../../flows';

const base: ReviewReminderPayload = {
  reviewId: 7,
  systemId: 3,
  ref: 'AI-3',
  name: 'Chatty',
  dueAt: '2026-11-30T02:00:00.000Z',
  overdueDays: 0,
  dueInDays: 2,
  reminderNumber: 1,
  escalated: false,
};

describe('reviewReminderText', () => {
  it('names the due date in the organisation time zone', () => {
    expect(reviewReminderText(base, 'UTC')).toMatch(/^Review of AI-3 "Chatty" is due on 2026-11-30 \(in 2 days\)\. Is the registration still accurate\?/);
    // 22:30 on the 29th in St John's.
    expect(reviewReminderText(base, 'America/St_Johns')).toContain('is due on 2026-11-29 (in 2 days)');
  });

  it('says when a review is late, overdue, escalated and reminded again', () => {
    expect(reviewReminderText({ ...base, dueInDays: 0 }, 'UTC')).toContain('"Chatty" was due on 2026-11-30. Is');
    const text = reviewReminderText({ ...base, dueInDays: 0, overdueDays: 1, escalated: true, reminderNumber: 3 }, 'UTC');
    expect(text).toContain('was due on 2026-11-30 and is 1 day overdue.');
    expect(text.endsWith(' The review is overdue and compliance has been told. (reminder 3)')).toBe(true);
  });

  it('says a row that still stores its sentence as written', () => {
    expect(reviewReminderText({ ...base, text: 'As written.' }, 'UTC')).toBe('As written.');
  });

  it('leaves out what a malformed row lacks instead of printing "undefined"', () => {
    const broken = { reviewId: 7, dueAt: 'not a date' } as unknown as ReviewReminderPayload;
    const text = reviewReminderText(broken, 'UTC');
    expect(text).not.toContain('undefined');
    expect(text).not.toContain('NaN');
    expect(text).toMatch(/^Review of a system was due on an unknown date\. Is the registration still accurate\?/);
  });
});
