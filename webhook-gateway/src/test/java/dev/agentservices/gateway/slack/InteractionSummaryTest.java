package dev.agentservices.gateway.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each interactive element's {@code block_actions} action, in the shape Slack's reference documents for it
 * ("Block elements" and the interaction payload reference), summarised as the line the agent reads.
 */
class InteractionSummaryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "{\"id\":\"U0ANA\",\"username\":\"ana\",\"name\":\"ana\",\"team_id\":\"T1\"}";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            button | {"type":"button","action_id":"a","block_id":"b","text":{"type":"plain_text","text":"Approve","emoji":true},"value":"approve","style":"primary","action_ts":"1.2"} | ana chose *Approve* (action `a`)
            button without text | {"type":"button","action_id":"a","value":"approve","action_ts":"1.2"} | ana chose *approve* (action `a`)
            static_select | {"type":"static_select","action_id":"a","selected_option":{"text":{"type":"plain_text","text":"Staging","emoji":true},"value":"stg"},"placeholder":{"type":"plain_text","text":"Pick"},"action_ts":"1.2"} | ana chose *Staging* (action `a`)
            external_select | {"type":"external_select","action_id":"a","selected_option":{"text":{"type":"plain_text","text":"PROJ-1"},"value":"p1"},"action_ts":"1.2"} | ana chose *PROJ-1* (action `a`)
            multi_static_select | {"type":"multi_static_select","action_id":"a","selected_options":[{"text":{"type":"plain_text","text":"Go"},"value":"go"},{"text":{"type":"plain_text","text":"Java"},"value":"java"}],"action_ts":"1.2"} | ana chose *Go*, *Java* (action `a`)
            multi_external_select | {"type":"multi_external_select","action_id":"a","selected_options":[{"text":{"type":"plain_text","text":"PROJ-1"},"value":"p1"}],"action_ts":"1.2"} | ana chose *PROJ-1* (action `a`)
            multi-select emptied | {"type":"multi_static_select","action_id":"a","selected_options":[],"action_ts":"1.2"} | ana cleared their choice (action `a`)
            users_select | {"type":"users_select","action_id":"a","selected_user":"U0BOB","action_ts":"1.2"} | ana chose *<@U0BOB>* (action `a`)
            multi_users_select | {"type":"multi_users_select","action_id":"a","selected_users":["U0BOB","U0CY"],"action_ts":"1.2"} | ana chose *<@U0BOB>*, *<@U0CY>* (action `a`)
            conversations_select | {"type":"conversations_select","action_id":"a","selected_conversation":"C0OPS","action_ts":"1.2"} | ana chose *<#C0OPS>* (action `a`)
            multi_conversations_select | {"type":"multi_conversations_select","action_id":"a","selected_conversations":["C0OPS","D0DM"],"action_ts":"1.2"} | ana chose *<#C0OPS>*, *<#D0DM>* (action `a`)
            channels_select | {"type":"channels_select","action_id":"a","selected_channel":"C0OPS","action_ts":"1.2"} | ana chose *<#C0OPS>* (action `a`)
            multi_channels_select | {"type":"multi_channels_select","action_id":"a","selected_channels":["C0OPS"],"action_ts":"1.2"} | ana chose *<#C0OPS>* (action `a`)
            radio_buttons | {"type":"radio_buttons","action_id":"a","selected_option":{"text":{"type":"mrkdwn","text":"*Rollback*"},"value":"rb"},"action_ts":"1.2"} | ana chose **Rollback** (action `a`)
            checkboxes | {"type":"checkboxes","action_id":"a","selected_options":[{"text":{"type":"mrkdwn","text":"Tests"},"value":"t"},{"text":{"type":"mrkdwn","text":"Lint"},"value":"l"}],"action_ts":"1.2"} | ana chose *Tests*, *Lint* (action `a`)
            overflow | {"type":"overflow","action_id":"a","selected_option":{"text":{"type":"plain_text","text":"Retry"},"value":"retry"},"action_ts":"1.2"} | ana chose *Retry* (action `a`)
            datepicker | {"type":"datepicker","action_id":"a","selected_date":"2026-12-01","initial_date":"2026-11-29","action_ts":"1.2"} | ana chose *2026-12-01* (action `a`)
            timepicker | {"type":"timepicker","action_id":"a","selected_time":"16:30","initial_time":"09:00","action_ts":"1.2"} | ana chose *16:30* (action `a`)
            datetimepicker | {"type":"datetimepicker","action_id":"a","selected_date_time":1764432000,"action_ts":"1.2"} | ana chose *2025-11-29 16:00 UTC* (action `a`)
            plain_text_input | {"type":"plain_text_input","action_id":"a","block_id":"b","value":"use the blue one","action_ts":"1.2"} | ana chose *use the blue one* (action `a`)
            email_text_input | {"type":"email_text_input","action_id":"a","value":"ana@example.com","action_ts":"1.2"} | ana chose *ana@example.com* (action `a`)
            number_input | {"type":"number_input","action_id":"a","value":"3","action_ts":"1.2"} | ana chose *3* (action `a`)
            """)
    void eachElementSaysWhatWasChosen(String element, String action, String summary) throws Exception {
        JsonNode user = JSON.readTree(USER);
        assertEquals(summary, InteractionSummary.of(user, JSON.readTree(action)), element);
    }
}
