package dev.agentservices.common.signature;

/** A webhook signature that could not be accepted, with the reason a caller can act on. */
public final class SignatureException extends Exception {

    /** Why a signature was refused; {@link #code()} is the stable name used in errors and metrics. */
    public enum Reason {
        MISSING_SIGNATURE("missing_signature"),
        MALFORMED_SIGNATURE("malformed_signature"),
        STALE_TIMESTAMP("stale_timestamp"),
        BAD_SIGNATURE("bad_signature");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;

    public SignatureException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
