CREATE TABLE "audit_findings" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_findings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"workspace_id" integer NOT NULL,
	"audit_id" integer NOT NULL,
	"number" integer NOT NULL,
	"subject_type" text NOT NULL,
	"subject" text NOT NULL,
	"kind" text NOT NULL,
	"text" text NOT NULL,
	"evidence" text,
	"recorded_by_id" integer,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "incidents_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"workspace_id" integer NOT NULL,
	"number" integer NOT NULL,
	"system_id" integer NOT NULL,
	"reported_by_id" integer,
	"occurred_at" timestamp with time zone NOT NULL,
	"description" text NOT NULL,
	"harm" text NOT NULL,
	"people_affected" text,
	"serious" boolean NOT NULL,
	"risk_class" text,
	"provider_inform_due_at" timestamp with time zone,
	"provider_informed_at" timestamp with time zone,
	"authority_report_due_at" timestamp with time zone,
	"authority_reported_at" timestamp with time zone,
	"report_case" text,
	"nc_id" integer,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "internal_audits" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "internal_audits_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"workspace_id" integer NOT NULL,
	"year" integer NOT NULL,
	"number" integer NOT NULL,
	"title" text NOT NULL,
	"scope" jsonb NOT NULL,
	"auditor_ids" jsonb NOT NULL,
	"planned_for" date NOT NULL,
	"sample_sizes" jsonb NOT NULL,
	"sample_seed" text NOT NULL,
	"sample" jsonb NOT NULL,
	"status" text DEFAULT 'planned' NOT NULL,
	"conclusion" text,
	"created_by_id" integer,
	"reported_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "management_reviews" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "management_reviews_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"workspace_id" integer NOT NULL,
	"ref" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"pack" jsonb NOT NULL,
	"pack_hash" text,
	"status" text DEFAULT 'generated' NOT NULL,
	"held_at" timestamp with time zone,
	"attendee_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by_id" integer,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "metric_snapshots" (
	"workspace_id" integer NOT NULL,
	"week" date NOT NULL,
	"metric" text NOT NULL,
	"value" double precision,
	"measured_at" timestamp with time zone NOT NULL,
	CONSTRAINT "metric_snapshots_workspace_id_week_metric_pk" PRIMARY KEY("workspace_id","week","metric")
);
--> statement-breakpoint
CREATE TABLE "nonconformities" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "nonconformities_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"workspace_id" integer NOT NULL,
	"number" integer NOT NULL,
	"source" text NOT NULL,
	"finding_id" integer,
	"incident_id" integer,
	"system_id" integer,
	"dedupe_key" text,
	"severity" text NOT NULL,
	"description" text NOT NULL,
	"owner_id" integer,
	"containment" text,
	"contained_at" timestamp with time zone,
	"root_cause" text,
	"root_cause_at" timestamp with time zone,
	"effectiveness_due_at" timestamp with time zone,
	"effective" boolean,
	"verified_by_id" integer,
	"verified_at" timestamp with time zone,
	"status" text DEFAULT 'open' NOT NULL,
	"closed_by_id" integer,
	"closed_at" timestamp with time zone,
	"last_reminder_stage" text,
	"last_reminded_at" timestamp with time zone,
	"reminders_sent" integer DEFAULT 0 NOT NULL,
	"created_by_id" integer,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "discovered_tools" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "discovered_tools_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"workspace_id" integer NOT NULL,
	"tool_key" text NOT NULL,
	"catalog_id" text,
	"name" text NOT NULL,
	"first_source" text NOT NULL,
	"first_reported_by_id" integer,
	"reporters" integer DEFAULT 1 NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"registered_system_id" integer,
	"registered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "discovery_nudges" (
	"workspace_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"tool_key" text NOT NULL,
	"channel" text NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "discovery_nudges_workspace_id_person_id_tool_key_pk" PRIMARY KEY("workspace_id","person_id","tool_key")
);
--> statement-breakpoint
CREATE TABLE "literacy_attestations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "literacy_attestations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"workspace_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"evidence" text NOT NULL,
	"attested_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_acks" (
	"workspace_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"version" integer NOT NULL,
	"acknowledged_at" timestamp with time zone NOT NULL,
	CONSTRAINT "policy_acks_workspace_id_person_id_version_pk" PRIMARY KEY("workspace_id","person_id","version")
);
--> statement-breakpoint
CREATE TABLE "survey_recipients" (
	"survey_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"workspace_id" integer NOT NULL,
	"asked_at" timestamp with time zone,
	"reminded_at" timestamp with time zone,
	"answer" jsonb,
	"responded_at" timestamp with time zone,
	CONSTRAINT "survey_recipients_survey_id_person_id_pk" PRIMARY KEY("survey_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "surveys" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "surveys_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"workspace_id" integer NOT NULL,
	"ref" text NOT NULL,
	"kind" text NOT NULL,
	"audience" jsonb NOT NULL,
	"policy_version" integer,
	"period_start" text,
	"period_end" text,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"reminded_at" timestamp with time zone,
	"started_by_id" integer,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ai_systems" ADD COLUMN "catalog_id" text;--> statement-breakpoint
ALTER TABLE "audit_findings" ADD CONSTRAINT "audit_findings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_findings" ADD CONSTRAINT "audit_findings_audit_id_internal_audits_id_fk" FOREIGN KEY ("audit_id") REFERENCES "public"."internal_audits"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_findings" ADD CONSTRAINT "audit_findings_recorded_by_id_people_id_fk" FOREIGN KEY ("recorded_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_system_id_ai_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."ai_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_reported_by_id_people_id_fk" FOREIGN KEY ("reported_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_nc_id_nonconformities_id_fk" FOREIGN KEY ("nc_id") REFERENCES "public"."nonconformities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "internal_audits" ADD CONSTRAINT "internal_audits_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "internal_audits" ADD CONSTRAINT "internal_audits_created_by_id_people_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "management_reviews" ADD CONSTRAINT "management_reviews_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "management_reviews" ADD CONSTRAINT "management_reviews_created_by_id_people_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_snapshots" ADD CONSTRAINT "metric_snapshots_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nonconformities" ADD CONSTRAINT "nonconformities_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nonconformities" ADD CONSTRAINT "nonconformities_finding_id_audit_findings_id_fk" FOREIGN KEY ("finding_id") REFERENCES "public"."audit_findings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nonconformities" ADD CONSTRAINT "nonconformities_system_id_ai_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."ai_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nonconformities" ADD CONSTRAINT "nonconformities_owner_id_people_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nonconformities" ADD CONSTRAINT "nonconformities_verified_by_id_people_id_fk" FOREIGN KEY ("verified_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nonconformities" ADD CONSTRAINT "nonconformities_closed_by_id_people_id_fk" FOREIGN KEY ("closed_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nonconformities" ADD CONSTRAINT "nonconformities_created_by_id_people_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discovered_tools" ADD CONSTRAINT "discovered_tools_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discovered_tools" ADD CONSTRAINT "discovered_tools_first_reported_by_id_people_id_fk" FOREIGN KEY ("first_reported_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discovered_tools" ADD CONSTRAINT "discovered_tools_registered_system_id_ai_systems_id_fk" FOREIGN KEY ("registered_system_id") REFERENCES "public"."ai_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discovery_nudges" ADD CONSTRAINT "discovery_nudges_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discovery_nudges" ADD CONSTRAINT "discovery_nudges_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "literacy_attestations" ADD CONSTRAINT "literacy_attestations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "literacy_attestations" ADD CONSTRAINT "literacy_attestations_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_acks" ADD CONSTRAINT "policy_acks_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_acks" ADD CONSTRAINT "policy_acks_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_recipients" ADD CONSTRAINT "survey_recipients_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_recipients" ADD CONSTRAINT "survey_recipients_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_recipients" ADD CONSTRAINT "survey_recipients_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_started_by_id_people_id_fk" FOREIGN KEY ("started_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_findings_audit_number_uq" ON "audit_findings" USING btree ("audit_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_workspace_number_uq" ON "incidents" USING btree ("workspace_id","number");--> statement-breakpoint
CREATE INDEX "incidents_workspace_system_idx" ON "incidents" USING btree ("workspace_id","system_id");--> statement-breakpoint
CREATE UNIQUE INDEX "internal_audits_workspace_year_number_uq" ON "internal_audits" USING btree ("workspace_id","year","number");--> statement-breakpoint
CREATE UNIQUE INDEX "management_reviews_workspace_ref_uq" ON "management_reviews" USING btree ("workspace_id","ref");--> statement-breakpoint
CREATE UNIQUE INDEX "nonconformities_workspace_number_uq" ON "nonconformities" USING btree ("workspace_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "nonconformities_workspace_dedupe_uq" ON "nonconformities" USING btree ("workspace_id","dedupe_key") WHERE dedupe_key is not null;--> statement-breakpoint
CREATE INDEX "nonconformities_status_idx" ON "nonconformities" USING btree ("status","workspace_id");--> statement-breakpoint
CREATE UNIQUE INDEX "discovered_tools_workspace_key_uq" ON "discovered_tools" USING btree ("workspace_id","tool_key");--> statement-breakpoint
CREATE INDEX "literacy_attestations_workspace_person_idx" ON "literacy_attestations" USING btree ("workspace_id","person_id","attested_at");--> statement-breakpoint
CREATE INDEX "survey_recipients_workspace_person_idx" ON "survey_recipients" USING btree ("workspace_id","person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "surveys_workspace_ref_uq" ON "surveys" USING btree ("workspace_id","ref");--> statement-breakpoint
CREATE INDEX "surveys_workspace_kind_idx" ON "surveys" USING btree ("workspace_id","kind","opens_at");