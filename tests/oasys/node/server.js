// An OASys server that is not ours: node-soap serving the contract WSDL with fixed answers.
// Usage: node server.js <port>   (prints "listening <port>" when ready)
"use strict";

const fs = require("fs");
const http = require("http");
const path = require("path");
const soap = require("soap");

const WSDL = fs.readFileSync(
  path.join(__dirname, "..", "..", "..", "sandbox", "oasys", "oasys-assessments.wsdl"),
  "utf8",
);
const CRN = /^[A-Z][0-9]{6}$/;

// node-soap answers faults with HTTP 200 unless told, and needs tns: on detail keys.
function fault(code, message, name, detail) {
  const qualified = {};
  for (const [key, value] of Object.entries(detail)) qualified[`tns:${key}`] = value;
  return {
    Fault: {
      faultcode: `soap:${code}`,
      faultstring: message,
      detail: { [`tns:${name}`]: qualified },
      statusCode: 500,
    },
  };
}

function known(crn) {
  if (!CRN.test(crn || "")) {
    throw fault("Client", "invalid crn", "ValidationFault", {
      field: "crn",
      value: crn || "",
      message: "crn must match [A-Z][0-9]{6}",
    });
  }
  if (crn === "N000500") {
    throw fault("Server", "maintenance", "ServiceFault", {
      code: "MAINTENANCE",
      message: "down for maintenance",
      retryable: false,
    });
  }
  if (crn !== "N000001" && crn !== "N000002") {
    throw fault("Client", "not found", "OffenderNotFoundFault", { crn, message: "not found" });
  }
  return { crn, limitedAccessOffender: crn === "N000002" };
}

const service = {
  OasysAssessmentService: {
    OasysAssessmentPort: {
      GetRiskOfSeriousHarm(args) {
        const head = known(args.crn);
        if (head.crn !== "N000001") return head;
        return {
          ...head,
          roshAssessment: {
            assessmentId: 5550001,
            assessedOn: "2025-07-14T23:30:00+00:00",
            overallRiskLevel: "HIGH",
            riskInCommunity: {
              risk: [
                { group: "CHILDREN", level: "MEDIUM" },
                { group: "PUBLIC", level: "HIGH" },
              ],
            },
            riskInCustody: { risk: [{ group: "PRISONERS", level: "LOW" }] },
            riskFlags: "MNHNNNNNL",
          },
        };
      },
      GetPredictorScores(args) {
        const head = known(args.crn);
        if (head.crn !== "N000001") return head;
        return {
          ...head,
          predictors: {
            assessmentId: 5550001,
            completedDate: "2025-07-14T23:30:00+00:00",
            ogrs3: { oneYear: "21.50", twoYear: "34.25", band: "LOW" },
            ovp: { oneYear: "10.00", twoYear: "18.75", band: "LOW" },
            rsr: { percentage: "4.20", band: "MEDIUM" },
          },
        };
      },
      GetAssessmentSummaries(args) {
        const head = known(args.crn);
        if (head.crn !== "N000001") return head;
        return {
          ...head,
          assessment: [
            {
              assessmentId: 5550001,
              assessmentType: "LAYER3",
              status: "COMPLETE",
              eventNumber: 2,
              createdDate: "2025-07-01T09:00:00+01:00",
              completedDate: "2025-07-14T23:30:00+00:00",
              assessedBy: "Jane Okafor",
              totalScore: 41,
            },
            {
              assessmentId: 5540007,
              assessmentType: "STANDALONE",
              status: "LOCKED_INCOMPLETE",
              createdDate: "2024-01-10T10:00:00Z",
              completedDate: "2024-01-20T10:00:00Z",
              assessedBy: "Tom Hughes",
            },
          ],
        };
      },
    },
  },
};

const port = Number(process.argv[2] || 0);
const server = http.createServer((request, response) => {
  response.statusCode = 404;
  response.end();
});
server.listen(port, "127.0.0.1", () => {
  soap.listen(server, "/oasys", service, WSDL);
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
